"""Children's profiles end to end: add two children, draw as one, filter, delete one keeping sketches."""
from selenium.webdriver.support.ui import Select

from helpers import card_titles, draw_stroke, texts


def pick(app, selector, text):
    """Chooses an option of a <select>. WebKitWebDriver sometimes changes the selection without
    firing `change` (seen after the options re-render), which no user click does; so the event is
    sent when the browser did not send it."""
    app.d.execute_script(
        "const s = document.querySelector(arguments[0]); s.__changed = false;"
        "s.addEventListener('change', () => { s.__changed = true; }, {once: true});", selector)
    Select(app.css(selector)).select_by_visible_text(text)
    app.d.execute_script(
        "const s = document.querySelector(arguments[0]);"
        "if (!s.__changed) s.dispatchEvent(new Event('change', {bubbles: true}));", selector)


def add_child(app, name):
    app.css("[data-testid=new-child-name]").send_keys(name)
    app.css("[data-testid=add-child]").click()
    app.wait(lambda d: name in texts(app, "[role=dialog] li .name"))


def close_dialog(app):
    app.css("[role=dialog] button.close").click()
    app.wait(lambda d: not app.all("[role=dialog]"))


def test_children_scope_the_sketchbook(app):
    app.css("[data-testid=manage-children]").click()
    add_child(app, "Mia")
    add_child(app, "Leo")
    close_dialog(app)

    pick(app, "[data-testid=active-child]", "Mia")
    draw_stroke(app)
    app.css("[data-testid=drawing-title]").send_keys("Mia's cat")
    app.css("[data-testid=save-drawing]").click()
    app.wait(lambda d: any("Mia's cat" in t for t in texts(app, "[data-testid=notice]")))

    pick(app, "[data-testid=active-child]", "Leo")
    draw_stroke(app, dx=30)
    app.css("[data-testid=drawing-title]").send_keys("Leo's bus")
    app.css("[data-testid=save-drawing]").click()
    app.wait(lambda d: any("Leo's bus" in t for t in texts(app, "[data-testid=notice]")))

    app.css("[data-testid=tab-sketchbook]").click()
    app.wait(lambda d: card_titles(app) == ["Leo's bus", "Mia's cat"])
    pick(app, "[data-testid=sketchbook-filter]", "Mia's sketches")
    app.wait(lambda d: card_titles(app) == ["Mia's cat"])
    assert any("Mia" in t for t in texts(app, "[data-testid=sketch-card] .meta"))

    # Deleting Leo asks what happens to his sketches; keep them (they belong to nobody now).
    app.css("[data-testid=manage-children]").click()
    leo_row = [li for li in app.all("[role=dialog] li") if "Leo" in li.get_attribute("textContent")][0]
    leo_row.find_element("css selector", "button.danger").click()
    confirm = app.wait(lambda d: app.css("[data-testid=delete-child-confirm]"))
    assert "What happens to their sketches?" in confirm.get_attribute("textContent")
    app.css("[data-testid=confirm-delete-child]").click()
    app.wait(lambda d: texts(app, "[role=dialog] li .name") == ["Mia"])
    close_dialog(app)
    pick(app, "[data-testid=sketchbook-filter]", "Sketches of nobody in particular")
    app.wait(lambda d: card_titles(app) == ["Leo's bus"])
    app.screenshot("children.png")
