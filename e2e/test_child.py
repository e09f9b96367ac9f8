"""The child's test, in the real window with a parent PIN set: a curious child tries to get around
the parent's controls right after a parent used them: undoing a parent's delete; removing or
changing the PIN right after the parent typed it; running "Any model" with its safety switches
loosened; going past the monthly limit with a model whose price is unknown; resuming a backup the
parent paused; and restoring a backup from a second window. Each is refused kindly, nothing is sent
to Replicate that the parent did not allow, and the parent's state is unchanged afterwards.
(The tests of this module run in order, on one window.)"""
import os
import subprocess

import pytest

from selenium.webdriver.common.keys import Keys

from conftest import App
from helpers import texts

PIN = "2468"


@pytest.fixture(scope="module")
def app(tmp_path_factory, replicate):
    out = os.path.abspath("test-output")
    os.makedirs(out, exist_ok=True)
    data = str(tmp_path_factory.mktemp("data"))
    cli = os.environ.get("SKAITCH_CLI_BIN") or os.path.join(os.path.dirname(os.environ["SKAITCH_APP_BIN"]), "skaitch")
    subprocess.run([cli, "dev", "seed", "--sketches", "4", "--children", "1",
                    "--generations-per-sketch", "2", "--pictures-per-generation", "1"],
                   env=dict(os.environ, SKAITCH_DATA_DIR=data), check=True, capture_output=True)
    env = {
        "SKAITCH_REPLICATE_URL": replicate.url,
        "SKAITCH_KEYCHAIN_SERVICE": f"app.skaitch.e2e.child.{os.getpid()}",
    }
    a = App(data, out, env)
    a.env = env
    yield a
    a.close()


def click(app, selector):
    """Clicks an element scrolled into view first (Settings scrolls)."""
    el = app.css(selector)
    app.d.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
    el.click()


def close_dialog(app):
    close = app.d.find_elements("css selector", "[role=dialog] button.close")[-1]
    app.d.execute_script("arguments[0].scrollIntoView({block: 'center'});", close)
    close.click()


def open_settings(app):
    app.css("[data-testid=open-settings]").click()
    app.wait(lambda d: app.all("[data-testid=pin-state]"))


def pin_state(app):
    return texts(app, "[data-testid=pin-state]")[0]


def generations_of_first_card(app):
    return app.d.execute_script(
        "const c = document.querySelector('[data-testid=gallery-card]');"
        "return c ? [...c.querySelectorAll('[data-testid=gallery-generation]')].map(e => e.textContent) : [];")


def parent_types_the_pin(app):
    app.wait(lambda d: app.all("[data-testid=pin-input]"))
    app.css("[data-testid=pin-input]").send_keys(PIN)
    app.css("[data-testid=pin-unlock]").click()
    app.wait(lambda d: not app.all("[data-testid=pin-prompt]"))


def test_a_child_cannot_undo_a_parents_delete_nor_remove_the_pin_after_one(app):
    # The parent sets a PIN; closing Settings ends the parent's session.
    open_settings(app)
    app.css("[data-testid=pin-new]").send_keys(PIN)
    click(app, "[data-testid=pin-set]")
    app.wait(lambda d: "unlocked" in pin_state(app))
    close_dialog(app)
    app.wait(lambda d: not app.all("[role=dialog]"))

    # The parent deletes a picture run, typing the PIN for it.
    app.css("[data-testid=tab-gallery]").click()
    app.wait(lambda d: app.all("[data-testid=gallery-card-open]"))
    before = generations_of_first_card(app)
    app.css("[data-testid=gallery-card-open]").click()
    app.wait(lambda d: app.all("[data-testid=delete-generation]"))
    app.css("[data-testid=delete-generation]").click()
    parent_types_the_pin(app)
    app.wait(lambda d: not app.all("[data-testid=gallery-detail]"))
    app.wait(lambda d: app.all("[data-testid=undo-toast]"))
    app.wait(lambda d: generations_of_first_card(app) != before)
    after = generations_of_first_card(app)

    # The child presses Undo: the PIN is asked again; not knowing it, the child gives up.
    app.css("[data-testid=undo]").click()
    app.wait(lambda d: app.all("[data-testid=pin-prompt]"))
    close_dialog(app)
    app.wait(lambda d: not app.all("[data-testid=pin-prompt]"))
    assert generations_of_first_card(app) == after, "the parent's delete stands"

    # Right after the parent typed the PIN, the child tries to remove it, then to change it.
    open_settings(app)
    assert "locked" in pin_state(app), pin_state(app)
    remove = app.css("[data-testid=pin-remove]")
    assert not remove.is_enabled(), "removing the PIN asks for the PIN in use"
    app.css("[data-testid=pin-current]").send_keys("1357")
    click(app, "[data-testid=pin-remove]")
    error = app.wait(lambda d: texts(app, "[data-testid=pin-panel-error]"))
    assert "not right" in error[0], error
    app.css("[data-testid=pin-current]").send_keys("0000")
    app.css("[data-testid=pin-new]").send_keys("1111")
    click(app, "[data-testid=pin-set]")
    app.wait(lambda d: any("more tries" in t for t in texts(app, "[data-testid=pin-panel-error]")))
    assert "PIN set" in pin_state(app), pin_state(app)
    app.screenshot("child-refused.png")
    close_dialog(app)

    # The parent's PIN still works, and the state is as the parent left it.
    app.wait(lambda d: not app.all("[role=dialog]"))
    assert generations_of_first_card(app) == after


CARDS = "[data-testid=generations] [data-testid=generation]"


def statuses(app):
    """The status of every generation card of the open sketch, newest first."""
    return app.d.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.dataset.status);", CARDS)


def child_gives_up_at_the_pin(app):
    """The PIN prompt shows; the child, not knowing the PIN, closes it."""
    app.wait(lambda d: app.all("[data-testid=pin-prompt]"))
    close = app.d.execute_script(
        "return document.querySelector('[data-testid=pin-prompt]').closest('[role=dialog]')"
        ".querySelector('button.close');")
    close.click()
    app.wait(lambda d: not app.all("[data-testid=pin-prompt]"))


def open_first_sketch(app):
    app.css("[data-testid=tab-sketchbook]").click()
    app.wait(lambda d: app.all("[data-testid=sketch-card]"))
    app.css("[data-testid=sketch-card]").click()
    app.wait(lambda d: app.all("[data-testid=gen-model]"))


def choose_any_model(app, spec):
    app.d.execute_script(
        "const s = document.querySelector('[data-testid=gen-model]'); s.value = '__custom';"
        "s.dispatchEvent(new Event('change', {bubbles: true}));")
    app.css("[data-testid=custom-model]").clear()
    app.css("[data-testid=custom-model]").send_keys(spec)
    click(app, "[data-testid=load-model]")
    app.wait(lambda d: app.all("[data-testid=schema-fields] input[type=checkbox]"))


def close_viewer(app):
    app.d.find_element("css selector", "body").send_keys(Keys.ESCAPE)
    app.wait(lambda d: not app.all("[data-testid=sketch-viewer]"))


def set_field(app, label, value):
    """Sets the schema form's choice field `label` to `value`, as a child picking it would."""
    app.d.execute_script(
        "const l = [...document.querySelectorAll('[data-testid=schema-fields] label')]"
        "  .find(e => e.textContent.trim().startsWith(arguments[0]));"
        "const s = l.querySelector('select'); s.value = arguments[1];"
        "s.dispatchEvent(new Event('change', {bubbles: true}));", label, value)


def test_a_child_cannot_loosen_any_model_go_past_the_limit_resume_a_backup_or_restore_beside(
        app, replicate, tmp_path):
    app.wait(lambda d: not app.all("[role=dialog]"))
    # The parent saves the Replicate token (the PIN asked for it).
    open_settings(app)
    app.css("[data-testid=token-input]").send_keys(replicate.token)
    click(app, "[data-testid=save-token]")
    parent_types_the_pin(app)
    app.wait(lambda d: app.all("[data-testid=token-account]"))
    close_dialog(app)
    app.wait(lambda d: not app.all("[role=dialog]"))

    # "Any model" with its safety filter switched off, while the model is not on the parent's list:
    # it needs the PIN, which the child does not know. Nothing goes out.
    open_first_sketch(app)
    before = statuses(app)
    choose_any_model(app, "e2e/doodle")
    access = app.css("[data-testid=any-model-access]")
    assert access.get_attribute("data-access") == "pin", access.text
    click(app, "[data-testid=schema-fields] input[type=checkbox]")  # nsfw_filter: off
    click(app, "[data-testid=generate]")
    child_gives_up_at_the_pin(app)
    err = app.wait(lambda d: texts(app, "[data-testid=generate-error]"))
    assert "a parent needs to enter the PIN" in err[0], err
    assert statuses(app) == before
    assert replicate.creates() == 0
    close_viewer(app)

    # The parent lists the model and sets a $1 monthly limit, typing the PIN once for Settings.
    open_settings(app)
    app.css("[data-testid=allow-model-input]").send_keys("e2e/doodle")
    click(app, "[data-testid=allow-model]")
    parent_types_the_pin(app)
    app.wait(lambda d: texts(app, "[data-testid=allowed-model]") and
             "e2e/doodle" in texts(app, "[data-testid=allowed-model]")[0])
    app.css("[data-testid=limit-input]").clear()
    app.css("[data-testid=limit-input]").send_keys("1")
    click(app, "[data-testid=limit-save]")
    app.wait(lambda d: "of $1.00 used" in texts(app, "[data-testid=limit-status]")[0])
    close_dialog(app)
    app.wait(lambda d: not app.all("[role=dialog]"))

    # A switch whose strictest value Skaitch cannot tell, set loose: refused, with a word why.
    open_first_sketch(app)
    before = statuses(app)
    choose_any_model(app, "e2e/doodle")
    assert app.css("[data-testid=any-model-access]").get_attribute("data-access") == "open"
    set_field(app, "moderation", "low")
    click(app, "[data-testid=generate]")
    err = app.wait(lambda d: texts(app, "[data-testid=generate-error]"))
    assert "safety switch" in err[0] and "leave it out" in err[0], err
    assert statuses(app) == before
    set_field(app, "moderation", "auto")

    # The safety filter off, on a model whose price is unknown: the most it could cost ($2.75,
    # 30 minutes on the dearest hardware) does not fit under the $1 limit, so it waits for a
    # parent, unsent; "Allow one more" asks for the PIN, and the child gives up.
    click(app, "[data-testid=schema-fields] input[type=checkbox]")  # nsfw_filter: off
    click(app, "[data-testid=generate]")
    app.wait(lambda d: len(statuses(app)) == len(before) + 1 and statuses(app).count("held") == 1, 20)
    held = texts(app, "[data-testid=held-notice]")[0]
    assert "up to $2.75" in held and "Nothing has been sent" in held, held
    click(app, "[data-testid=allow-generation]")
    child_gives_up_at_the_pin(app)
    assert statuses(app).count("held") == 1
    assert replicate.creates() == 0, "nothing went to Replicate"
    app.screenshot("child-held-unpriced.png")

    # The parent allows it: it runs, and its filter went out on, whatever the child's form said.
    click(app, "[data-testid=allow-generation]")
    parent_types_the_pin(app)
    app.wait(lambda d: "held" not in statuses(app) and
             statuses(app).count("succeeded") == before.count("succeeded") + 1, 60)
    assert replicate.creates() == 1
    sent = replicate.last_input()
    assert sent["nsfw_filter"] is True and sent.get("moderation", "auto") == "auto", sent
    close_viewer(app)
    open_settings(app)
    unpriced = app.wait(lambda d: texts(app, "[data-testid=spend-unpriced]"))
    assert unpriced[0].startswith("1 unpriced, up to $"), unpriced
    close_dialog(app)
    app.wait(lambda d: not app.all("[role=dialog]"))

    # The parent backs up to a folder and pauses it (the PIN each time); the child presses Resume.
    app.css("[data-testid=open-settings]").click()
    app.wait(lambda d: app.all("[data-testid=open-backups]"))
    # Settings is taller than the window since the model list came: scroll to the button first.
    click(app, "[data-testid=open-backups]")
    app.wait(lambda d: app.all("[data-testid=provider-folder]"))
    click(app, "[data-testid=provider-folder]")
    (tmp_path / "backup").mkdir()
    app.css("[data-testid=backup-folder]").send_keys(str(tmp_path / "backup"))
    click(app, "[data-testid=backup-save]")
    parent_types_the_pin(app)
    state = lambda: app.css("[data-testid=backup-state]").get_attribute("data-state")
    app.wait(lambda d: app.all("[data-testid=backup-state]") and state() == "running", 30)
    click(app, "[data-testid=backup-pause]")
    parent_types_the_pin(app)
    app.wait(lambda d: state() == "paused")
    click(app, "[data-testid=backup-pause]")  # now "Resume"
    child_gives_up_at_the_pin(app)
    assert state() == "paused", "the parent's pause stands"
    close_dialog(app)
    app.wait(lambda d: not app.all("[role=dialog]"))

    # A second window on the same sketchbook: it cannot open it (the first one holds it), says so,
    # and a restore from it is refused.
    out = os.path.abspath("test-output")
    second = App(app.data_dir, out, app.env, keep_welcome=True)
    try:
        fatal = second.wait(lambda d: texts(second, "[data-testid=fatal]"), 30)
        assert "already using the sketchbook" in fatal[0], fatal
        answer = second.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "window.__TAURI_INTERNALS__.invoke('restore_backup', {target: {kind: 'latest'}})"
            "  .then(r => done({ok: r}), e => done({err: e}));")
        assert "err" in answer and "already using" in answer["err"]["message"], answer
        second.screenshot("child-second-window.png")
    finally:
        second.close()

    # The parent's state is as the parent left it.
    app.wait(lambda d: app.all("[data-testid=open-settings]"))
    open_settings(app)
    assert "PIN set" in pin_state(app), pin_state(app)
    assert "of $1.00 used" in texts(app, "[data-testid=limit-status]")[0]
    assert [t.strip() for t in texts(app, "[data-testid=allowed-model] code")] == ["e2e/doodle"]
    close_dialog(app)
    app.wait(lambda d: not app.all("[role=dialog]"))
    assert app.css("[data-testid=backup-badge]").get_attribute("data-state") == "paused"

