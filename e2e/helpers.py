"""What the e2e tests do and read in the window: draw a stroke, read card titles and notices."""
from selenium.webdriver.common.action_chains import ActionChains

INK_PIXELS = """
const c = document.querySelector('[data-testid=canvas]');
const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
let ink = 0;
for (let i = 0; i < d.length; i += 4) {
  if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) ink++;
}
return ink;
"""


def draw_stroke(app, dx=0):
    canvas = app.css("[data-testid=canvas]")
    (ActionChains(app.d)
        .move_to_element_with_offset(canvas, -150 + dx, -60)
        .click_and_hold()
        .move_by_offset(60, 20).move_by_offset(60, 25).move_by_offset(60, -10)
        .release()
        .perform())


def texts(app, selector):
    """The text of every element matching `selector`, read in one go in the page (so a re-render
    cannot leave a stale element behind; WebKitWebDriver's element text also skips clipped text)."""
    return app.d.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);", selector)


def card_titles(app):
    return texts(app, "[data-testid=sketch-card-title]")
