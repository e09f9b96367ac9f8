"""The Replicate token in the settings dialog: refused when wrong, kept in the keychain when right."""
from helpers import texts


def open_settings(app):
    app.css("[data-testid=open-settings]").click()
    app.wait(lambda d: app.all("[data-testid=token-missing]") or app.all("[data-testid=token-account]"))


def close_settings(app):
    app.css("[role=dialog] button.close").click()
    app.wait(lambda d: not app.all("[role=dialog]"))


def test_a_wrong_token_is_refused_and_a_right_one_kept_across_restarts(app, replicate):
    open_settings(app)
    assert app.all("[data-testid=token-missing]")
    app.css("[data-testid=token-input]").send_keys("r8_definitely_not_a_real_token_123")
    app.css("[data-testid=save-token]").click()
    err = app.wait(lambda d: texts(app, "[data-testid=token-error]"))
    assert "did not accept" in err[0]
    assert app.all("[data-testid=token-missing]"), "the wrong token was not kept"

    app.css("[data-testid=token-input]").clear()
    app.css("[data-testid=token-input]").send_keys(replicate.token)
    app.css("[data-testid=save-token]").click()
    account = app.wait(lambda d: texts(app, "[data-testid=token-account]"))
    assert "Skaitch Test" in account[0]  # the account name GET /v1/account gave
    assert app.css("[data-testid=token-input]").get_attribute("value") == "", "the field is cleared"
    close_settings(app)

    app.restart()
    open_settings(app)
    assert "Skaitch Test" in texts(app, "[data-testid=token-account]")[0], "read back from the keychain"
    app.css("[data-testid=remove-token]").click()
    app.wait(lambda d: app.all("[data-testid=token-missing]"))
    close_settings(app)
