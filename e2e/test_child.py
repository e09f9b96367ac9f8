"""The child's test, in the real window with a parent PIN set: a curious child tries to get around
the parent's controls right after a parent used them. Here, the attempts that need no Replicate
server (a seeded sketchbook, offline): undoing a parent's delete, and removing or changing the PIN
right after the parent typed it. Each is refused kindly, and the parent's state is unchanged."""
import os
import subprocess

import pytest

from conftest import App
from helpers import texts

PIN = "2468"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    out = os.path.abspath("test-output")
    os.makedirs(out, exist_ok=True)
    data = str(tmp_path_factory.mktemp("data"))
    cli = os.environ.get("SKAITCH_CLI_BIN") or os.path.join(os.path.dirname(os.environ["SKAITCH_APP_BIN"]), "skaitch")
    subprocess.run([cli, "dev", "seed", "--sketches", "4", "--children", "1",
                    "--generations-per-sketch", "2", "--pictures-per-generation", "1"],
                   env=dict(os.environ, SKAITCH_DATA_DIR=data), check=True, capture_output=True)
    env = {
        "SKAITCH_REPLICATE_URL": "http://127.0.0.1:9",  # nothing listens: any request would fail
        "SKAITCH_KEYCHAIN_SERVICE": f"app.skaitch.e2e.child.{os.getpid()}",
    }
    a = App(data, out, env)
    yield a
    a.close()


def click(app, selector):
    """Clicks an element scrolled into view first (Settings scrolls)."""
    el = app.css(selector)
    app.d.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
    el.click()


def close_dialog(app):
    app.d.find_elements("css selector", "[role=dialog] button.close")[-1].click()


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
