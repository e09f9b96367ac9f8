"""Parent controls in the window: a monthly limit is set and a PIN; pictures show what they cost;
at 80 % a warning, at 100 % the next picture waits, and a parent allows one more with the PIN.
A blocked prompt gets a friendly message. Settings says what leaves the computer."""
from selenium.webdriver.common.keys import Keys

from helpers import card_titles, draw_stroke, texts

CARDS = "[data-testid=generations] [data-testid=generation]"


def open_settings(app):
    app.css("[data-testid=open-settings]").click()
    app.wait(lambda d: app.all("[data-testid=spending-panel] [data-testid=limit-status]"))


def close_dialog(app):
    app.d.find_elements("css selector", "[role=dialog] button.close")[-1].click()
    app.wait(lambda d: not app.all("[role=dialog]"))


def statuses(app):
    """The status of every generation card of the open sketch, newest first."""
    return app.d.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.dataset.status);", CARDS)


def click(app, selector):
    """Clicks an element of the sketch viewer, scrolled into view first (the dialog scrolls)."""
    el = app.css(selector)
    app.d.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
    el.click()


def make_art(app, style, count):
    """Picks a style and presses "Make it art"; waits for the new card (there are then `count`)."""
    click(app, f"[data-testid=style-{style}]")
    click(app, "[data-testid=generate]")
    app.wait(lambda d: len(statuses(app)) == count, 20)


def test_the_limit_is_reached_and_a_parent_allows_one_more_with_the_pin(app, replicate):
    open_settings(app)
    privacy = texts(app, "[data-testid=privacy-panel]")[0]
    assert "names and sketch titles are never sent" in privacy
    assert "deleted there as soon as" in privacy
    app.css("[data-testid=token-input]").send_keys(replicate.token)
    app.css("[data-testid=save-token]").click()
    app.wait(lambda d: app.all("[data-testid=token-account]"))
    assert "No limit" in texts(app, "[data-testid=limit-status]")[0], "off by default"
    app.css("[data-testid=limit-input]").send_keys("0.05")
    app.css("[data-testid=limit-save]").click()
    app.wait(lambda d: "of $0.05 used" in texts(app, "[data-testid=limit-status]")[0])
    app.css("[data-testid=pin-new]").send_keys("2468")
    click(app, "[data-testid=pin-set]")
    app.wait(lambda d: "unlocked" in texts(app, "[data-testid=pin-state]")[0])
    click(app, "[data-testid=pin-lock]")
    app.wait(lambda d: "locked." in texts(app, "[data-testid=pin-state]")[0])
    close_dialog(app)

    draw_stroke(app)
    app.css("[data-testid=drawing-title]").send_keys("Castle")
    app.css("[data-testid=save-drawing]").click()
    app.css("[data-testid=tab-sketchbook]").click()
    app.wait(lambda d: card_titles(app) == ["Castle"])
    app.css("[data-testid=sketch-card]").click()
    app.wait(lambda d: app.all("[data-testid=style-clay]"))
    # FLUX Kontext Pro is priced per picture ($0.04).
    app.d.execute_script(
        "const s = document.querySelector('[data-testid=gen-model]'); s.value = 'flux-kontext-pro';"
        "s.dispatchEvent(new Event('change', {bubbles: true}));")

    # A blocked prompt: a friendly word, nothing queued.
    app.css("[data-testid=gen-prompt]").send_keys("a S E X Y castle")
    click(app, "[data-testid=generate]")
    err = app.wait(lambda d: texts(app, "[data-testid=generate-error]"))
    assert "different words" in err[0], err
    assert statuses(app) == []
    app.css("[data-testid=gen-prompt]").clear()
    app.css("[data-testid=gen-prompt]").send_keys("a castle with a moat")

    make_art(app, "clay", 1)
    app.wait(lambda d: statuses(app) == ["succeeded"], 60)
    cost = app.wait(lambda d: texts(app, "[data-testid=generation-cost]"))
    assert cost[0] == "Cost $0.04 (1 picture × $0.04)", cost
    warning = app.wait(lambda d: texts(app, "[data-testid=limit-warning]"), 20)
    assert "80 % of this month's limit" in warning[0], warning

    make_art(app, "comic", 2)  # under the limit when it starts
    app.wait(lambda d: statuses(app) == ["succeeded", "succeeded"], 60)
    app.wait(lambda d: texts(app, "[data-testid=limit-reached]"), 20)

    make_art(app, "watercolour", 3)  # the limit is reached: it waits for a parent
    app.wait(lambda d: statuses(app)[0] == "held", 20)
    held = texts(app, "[data-testid=held-notice]")[0]
    assert "waits for a parent" in held and "Nothing has been sent" in held
    app.screenshot("parent-held.png")

    # "Allow one more" asks for the PIN, then the picture goes.
    click(app, "[data-testid=allow-generation]")
    app.wait(lambda d: app.all("[data-testid=pin-input]"))
    app.css("[data-testid=pin-input]").send_keys("1357")
    app.css("[data-testid=pin-unlock]").click()
    wrong = app.wait(lambda d: texts(app, "[data-testid=pin-error]"))
    assert "not right" in wrong[0], wrong
    assert statuses(app)[0] == "held", "a wrong PIN allows nothing"
    app.css("[data-testid=pin-input]").send_keys("2468")
    app.css("[data-testid=pin-unlock]").click()
    app.wait(lambda d: not app.all("[data-testid=pin-prompt]"))
    app.wait(lambda d: statuses(app) == ["succeeded", "succeeded", "succeeded"], 60)
    app.d.find_element("css selector", "body").send_keys(Keys.ESCAPE)
    app.wait(lambda d: not app.all("[data-testid=sketch-viewer]"))

    # Settings shows the month's total, per child.
    open_settings(app)
    app.wait(lambda d: texts(app, "[data-testid=spend-total]") == ["$0.12"])
    assert any("Nobody in particular" in t for t in texts(app, "[data-testid=spend-child]"))
    close_dialog(app)
