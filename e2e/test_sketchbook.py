"""The sketchbook end to end, in the real app window: draw, save, paste an image, autosave, restart."""
import base64

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from helpers import INK_PIXELS, card_titles, draw_stroke, texts
from pngs import png


def test_draw_a_stroke_save_it_and_see_its_thumbnail(app):
    app.css("[data-testid=size-large]").click()
    app.css("[data-testid=color-e53935]").click()
    assert app.d.execute_script(INK_PIXELS) == 0, "the page starts blank"
    draw_stroke(app)
    app.wait(lambda d: d.execute_script(INK_PIXELS) > 500)
    assert app.css("[data-testid=undo]").is_enabled()
    app.css("[data-testid=drawing-title]").send_keys("Red rocket")
    app.css("[data-testid=save-drawing]").click()
    app.wait(lambda d: any("Red rocket" in t for t in texts(app, "[data-testid=notice]")))
    assert app.d.execute_script(INK_PIXELS) == 0, "the page is blank again after saving"

    app.css("[data-testid=tab-sketchbook]").click()
    app.wait(lambda d: card_titles(app) == ["Red rocket"])
    # The thumbnail came through the skaitch:// protocol and decoded: 1024x768 page -> 384x288.
    size = app.wait(lambda d: d.execute_script(
        "const i = document.querySelector('[data-testid=sketch-card] img');"
        "return i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null;"))
    assert size == [384, 288]


def test_paste_a_picture_and_refuse_a_broken_one(app):
    good = base64.b64encode(png(320, 240)).decode()
    bad = base64.b64encode(b"this is a shopping list, not a picture").decode()
    app.d.execute_script("""
        const file = (b64, name) => new File([Uint8Array.from(atob(b64), c => c.charCodeAt(0))], name, {type: 'image/png'});
        const dt = new DataTransfer();
        dt.items.add(file(arguments[0], 'paper drawing.png'));
        dt.items.add(file(arguments[1], 'list.png'));
        window.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true}));
    """, good, bad)
    app.wait(lambda d: card_titles(app) == ["paper drawing", "Red rocket"])
    errors = app.wait(lambda d: [t for t in texts(app, "[data-testid=notice]") if "list.png" in t])
    assert "not an image" in errors[0], errors


def test_open_rename_and_keep_a_sketch(app):
    app.all("[data-testid=sketch-card]")[0].click()
    title = app.wait(lambda d: app.css("[data-testid=sketch-title]"))
    title.clear()
    title.send_keys("Grandma's house" + Keys.ENTER)
    app.wait(lambda d: "Grandma's house" in card_titles(app))
    app.css("[data-testid=delete-sketch]").click()
    assert app.css("[data-testid=confirm-delete-sketch]").is_displayed()
    app.d.execute_script("document.activeElement.blur()")
    ActionChains(app.d).send_keys(Keys.ESCAPE).perform()  # closes without deleting
    app.wait(lambda d: not app.all("[data-testid=sketch-viewer]"))
    assert len(card_titles(app)) == 2


def test_drawing_in_progress_survives_a_restart(app):
    app.css("[data-testid=tab-draw]").click()
    draw_stroke(app, dx=40)
    app.wait(lambda d: app.css("[data-testid=autosave]").get_attribute("data-state") == "saved"
             and app.css("[data-testid=undo]").is_enabled())
    app.restart()
    app.wait(lambda d: d.execute_script(INK_PIXELS) > 500)
    assert app.css("[data-testid=save-drawing]").is_enabled()


def test_sketches_are_still_there_after_a_restart(app):
    app.css("[data-testid=tab-sketchbook]").click()
    app.wait(lambda d: card_titles(app) == ["Grandma's house", "Red rocket"])
    app.wait(lambda d: d.execute_script(
        "return [...document.querySelectorAll('[data-testid=sketch-card] img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"))
    app.screenshot("sketchbook.png")
