"""Turning a sketch into art against the local Replicate server: the token dialog when there is
none, then a placeholder with live progress, then the picture, stored and shown offline."""
from selenium.webdriver.common.keys import Keys

from helpers import card_titles, draw_stroke, texts


def test_generate_from_a_sketch_and_see_progress_then_the_picture(app, replicate):
    draw_stroke(app)
    app.css("[data-testid=drawing-title]").send_keys("Rocket")
    app.css("[data-testid=save-drawing]").click()
    app.css("[data-testid=tab-sketchbook]").click()
    app.wait(lambda d: card_titles(app) == ["Rocket"])
    app.css("[data-testid=sketch-card]").click()
    app.wait(lambda d: app.all("[data-testid=generate-panel]"))
    app.wait(lambda d: app.all("[data-testid=style-watercolour]"))

    # No token yet: Generate leads to the settings dialog with a plain explanation.
    app.css("[data-testid=generate]").click()
    reason = app.wait(lambda d: texts(app, "[data-testid=settings-token] .reason"))
    assert "needs a Replicate API token" in reason[0]
    app.css("[data-testid=token-input]").send_keys(replicate.token)
    app.css("[data-testid=save-token]").click()
    app.wait(lambda d: app.all("[data-testid=token-account]"))
    app.d.find_elements("css selector", "[role=dialog] button.close")[-1].click()

    app.css("[data-testid=style-watercolour]").click()
    app.css("[data-testid=gen-prompt]").send_keys("a rocket to the moon")
    app.css("[data-testid=generate]").click()
    # The placeholder shows while it runs, with a progress bar fed by the model's log lines.
    app.wait(lambda d: app.all("[data-testid=generation] [data-testid=generation-progress]"), 20)
    progress = app.wait(lambda d: [
        v for v in (e.get_attribute("aria-valuenow") for e in app.all("[data-testid=generation-progress]"))
        if v and int(v) > 0], 30)
    assert int(progress[0]) > 0
    app.wait(lambda d: app.css("[data-testid=generation]").get_attribute("data-status") == "succeeded", 60)
    app.wait(lambda d: d.execute_script(
        "const i = document.querySelector('[data-testid=generation-output] img');"
        "return !!(i && i.complete && i.naturalWidth > 0);"), 20)
    app.screenshot("generation.png")
    app.d.find_element("css selector", "body").send_keys(Keys.ESCAPE)
    app.wait(lambda d: not app.all("[data-testid=sketch-viewer]"))

    # Any model by owner/name: its form is built from the model's input schema.
    app.css("[data-testid=sketch-card]").click()
    app.wait(lambda d: app.all("[data-testid=gen-model]"))
    app.d.execute_script(
        "const s = document.querySelector('[data-testid=gen-model]'); s.value = '__custom';"
        "s.dispatchEvent(new Event('change', {bubbles: true}));")
    app.css("[data-testid=custom-model]").send_keys("stability-ai/stable-diffusion-img2img")
    app.css("[data-testid=load-model]").click()
    fields = app.wait(lambda d: texts(app, "[data-testid=schema-fields] label"))
    assert any("scheduler" in f for f in fields), fields
    assert not any("disable_safety_checker" in f for f in fields)
    # No PIN and no parent's list: the panel says, before the button, that it cannot run.
    access = app.css("[data-testid=any-model-access]")
    assert access.get_attribute("data-access") == "closed", access.text
    assert "Ask a parent" in access.text, access.text
    app.d.find_element("css selector", "body").send_keys(Keys.ESCAPE)
    app.wait(lambda d: not app.all("[data-testid=sketch-viewer]"))

    # The jobs list shows it too.
    app.css("[data-testid=open-jobs]").click()
    app.wait(lambda d: [e for e in app.all("[data-testid=jobs-list] [data-testid=generation]")
                        if e.get_attribute("data-status") == "succeeded"])
    app.d.find_element("css selector", "body").send_keys(Keys.ESCAPE)


def test_an_account_out_of_credit_is_told_so_on_the_card(app, replicate):
    # Replicate's real 402 on the create: the runner fails it once, the card says what to do.
    replicate.inject("create", "insufficient-credit")
    app.css("[data-testid=sketch-card]").click()
    app.wait(lambda d: app.all("[data-testid=style-clay]"))
    app.css("[data-testid=style-clay]").click()
    app.css("[data-testid=generate]").click()
    failed = app.wait(lambda d: [e for e in app.all("[data-testid=generation]")
                                 if e.get_attribute("data-status") == "failed"], 30)
    why = failed[0].find_element("css selector", "[data-testid=generation-error]").text
    assert "out of credit" in why, why
    assert "Add credit" in why, why
    app.screenshot("out-of-credit.png")
    app.d.find_element("css selector", "body").send_keys(Keys.ESCAPE)
    app.wait(lambda d: not app.all("[data-testid=sketch-viewer]"))


def test_the_picture_is_still_there_after_a_restart_without_the_network(app, replicate):
    replicate.close()  # Replicate is gone: browsing must not need it
    app.restart()
    app.css("[data-testid=tab-sketchbook]").click()
    app.wait(lambda d: card_titles(app) == ["Rocket"])
    app.css("[data-testid=sketch-card]").click()
    app.wait(lambda d: d.execute_script(
        "const i = document.querySelector('[data-testid=generation-output] img');"
        "return !!(i && i.complete && i.naturalWidth > 0);"), 20)
    statuses = [e.get_attribute("data-status") for e in app.all("[data-testid=generation]")]
    assert "succeeded" in statuses, statuses
