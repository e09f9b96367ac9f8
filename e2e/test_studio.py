"""The drawing studio end to end, in the real window: three brushes, a closed shape filled, a stamp, undo, save,
and the saved PNG's colours at known pixels; the header on one line at 1280 x 800 and 1024 x 768."""
import base64
import os

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from conftest import App
from helpers import texts


@pytest.fixture(scope="module")
def saves(tmp_path_factory):
    return str(tmp_path_factory.mktemp("saves"))


@pytest.fixture(scope="module")
def app(tmp_path_factory, saves):
    """The app with the save dialog replaced by a folder (WebDriver cannot drive native dialogs)."""
    out = os.path.abspath("test-output")
    os.makedirs(out, exist_ok=True)
    env = {
        "SKAITCH_REPLICATE_URL": "http://127.0.0.1:9",
        "SKAITCH_KEYCHAIN_SERVICE": f"app.skaitch.e2e.studio.{os.getpid()}",
        "SKAITCH_SAVE_DIR": saves,
    }
    a = App(str(tmp_path_factory.mktemp("data")), out, env)
    yield a
    a.close()

# Where a page point is on the canvas, as an offset from the canvas's centre (what WebDriver actions take).
PAGE_TO_OFFSET = """
const done = arguments[arguments.length - 1];
const points = arguments[0];
// Two frames first: a toolbar change may have resized the page, and the canvas follows a frame later.
requestAnimationFrame(() => requestAnimationFrame(() => {
const c = document.querySelector('[data-testid=canvas]');
const r = c.getBoundingClientRect();
const [pw, ph] = document.querySelector('[data-testid=studio]').dataset.page === 'portrait' ? [768, 1024] : [1024, 768];
const s = Math.min(r.width / pw, r.height / ph);
const ox = (r.width - pw * s) / 2, oy = (r.height - ph * s) / 2;
done(points.map(([x, y]) => [Math.round(ox + x * s - r.width / 2), Math.round(oy + y * s - r.height / 2)]));
}));
"""

# The header's layout: does it fit on one line without clipping anything?
HEADER_FIT = """
const h = document.querySelector('header');
const kids = [...h.children].map(e => e.getBoundingClientRect());
const box = h.getBoundingClientRect();
const tops = kids.map(k => Math.round(k.top + k.height / 2));
const clipped = [...h.querySelectorAll('button, select, img')].filter(e => {
  const b = e.getBoundingClientRect();
  return b.width > 0 && (b.left < box.left - 0.5 || b.right > box.right + 0.5 || e.scrollWidth > e.clientWidth + 1);
}).map(e => e.dataset.testid || e.textContent.trim());
return {
  width: window.innerWidth, height: box.height, overflow: h.scrollWidth - h.clientWidth,
  rows: new Set(tops.map(t => Math.round(t / 12))).size, clipped,
};
"""

# The saved sketch's full-size PNG (the viewer's image, fetched and decoded), read at page points.
PIXELS_OF_VIEWER_IMAGE = """
const done = arguments[arguments.length - 1];
const shown = document.querySelector('[data-testid=sketch-viewer] img');
const img = new Image();
img.crossOrigin = 'anonymous';  // the skaitch:// protocol answers with Access-Control-Allow-Origin: *
img.onload = () => {
  try {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    done({size: [c.width, c.height], png: c.toDataURL('image/png'),
          px: arguments[0].map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3)))});
  } catch (e) { done({error: String(e)}); }
};
img.onerror = () => done({error: 'the PNG did not load'});
img.src = shown.src;
"""


def offsets(app, points):
    return app.d.execute_async_script(PAGE_TO_OFFSET, points)


def drag(app, points):
    """Presses at the first page point, moves through the others, releases at the last."""
    canvas = app.css("[data-testid=canvas]")
    offs = offsets(app, points)
    chain = ActionChains(app.d).move_to_element_with_offset(canvas, *offs[0]).click_and_hold()
    for (x0, y0), (x1, y1) in zip(offs, offs[1:]):
        chain = chain.move_by_offset(x1 - x0, y1 - y0)
    chain.release().perform()


def tap(app, point):
    canvas = app.css("[data-testid=canvas]")
    (off,) = offsets(app, [point])
    ActionChains(app.d).move_to_element_with_offset(canvas, *off).click().perform()


def close(rgb, hex_colour, tolerance=40):
    want = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, want))


def header_fits(app, size):
    app.d.set_window_size(*size)
    app.wait(lambda d: d.execute_script("return window.innerWidth") <= size[0])
    # The longest labels the header can show: jobs running and a backup badge that is waiting on a drive.
    app.d.execute_script("""
        document.querySelector('[data-testid=open-jobs] .long').textContent = '12 in progress';
        document.querySelector('[data-testid=open-jobs] .short').textContent = '12';
        document.querySelector('[data-testid=backup-badge]').lastChild.textContent = 'Drive away: 12800';
    """)
    fit = app.d.execute_script(HEADER_FIT)
    app.screenshot(f"studio-{size[0]}x{size[1]}.png")
    return fit


def test_header_stays_on_one_line_at_laptop_sizes(app):
    for size in [(1280, 800), (1024, 768)]:
        fit = header_fits(app, size)
        assert fit["rows"] == 1, (size, fit)
        assert fit["overflow"] <= 0, (size, fit)
        assert fit["clipped"] == [], (size, fit)
        assert fit["height"] < 64, (size, fit)
    # The Jobs icon is an inline SVG, not an emoji that needs a font.
    assert app.all("[data-testid=open-jobs] svg")
    assert "🎨" not in app.css("[data-testid=open-jobs]").text
    app.d.set_window_size(1280, 800)


def test_draw_fill_stamp_undo_save_and_find_the_colours_in_the_png(app, saves):
    app.restart()  # the header test rewrote some labels; start with the real ones
    app.css("[data-testid=size-medium]").click()
    # Three brushes, three colours, three lines.
    for tool, colour, y in [("marker", "e53935", 100), ("crayon", "1e40af", 180), ("rainbow", "000000", 260)]:
        app.css(f"[data-testid=tool-{tool}]").click()
        app.css(f"[data-testid=color-{colour}]").click()
        drag(app, [(100, y), (200, y), (300, y), (400, y)])
    # A closed rectangle, then the bucket inside it.
    app.css("[data-testid=tool-rect]").click()
    app.css("[data-testid=color-000000]").click()
    drag(app, [(600, 100), (750, 200), (900, 350)])
    app.css("[data-testid=tool-fill]").click()
    app.css("[data-testid=color-fdd835]").click()
    tap(app, (750, 225))
    # A sun stamp in green.
    app.css("[data-testid=tool-stamp]").click()
    app.d.execute_script(
        "const s = document.querySelector('[data-testid=stamp-group]'); s.value = 'nature';"
        "s.dispatchEvent(new Event('change', {bubbles: true}));")
    app.css("[data-testid=stamp-sun]").click()
    app.css("[data-testid=color-2e7d32]").click()
    app.css("[data-testid=stamp-tint]").click()
    tap(app, (200, 600))
    # The eyedropper takes the yellow back from the page and returns to the stamp tool.
    app.css("[data-testid=tool-eyedropper]").click()
    tap(app, (750, 225))
    app.wait(lambda d: app.css("[data-testid=color-fdd835]").get_attribute("aria-pressed") == "true")
    assert app.css("[data-testid=tool-stamp]").get_attribute("aria-pressed") == "true"
    # Two spray strokes, then undo both.
    app.css("[data-testid=tool-spray]").click()
    app.css("[data-testid=color-8e24aa]").click()
    drag(app, [(500, 600), (600, 620), (700, 640)])
    drag(app, [(500, 700), (600, 700), (700, 700)])
    app.css("[data-testid=undo]").click()
    app.css("[data-testid=undo]").click()
    assert app.css("[data-testid=redo]").is_enabled()

    app.wait(lambda d: app.css("[data-testid=autosave]").get_attribute("data-state") == "saved")
    app.css("[data-testid=drawing-title]").send_keys("Studio")
    # The replay plays and hands the page back; the GIF of it lands where the family chose.
    app.css("[data-testid=replay]").click()
    app.wait(lambda d: app.all("[data-testid=replay-stop]"), timeout=5)
    app.wait(lambda d: app.all("[data-testid=replay]"), timeout=20)
    app.css("[data-testid=save-gif]").click()
    gif = os.path.join(saves, "Studio.gif")
    app.wait(lambda d: os.path.exists(gif), timeout=60)
    with open(gif, "rb") as f:
        data = f.read()
    assert data[:6] == b"GIF89a" and data[-1:] == b";"
    assert int.from_bytes(data[6:8], "little") == 512
    assert data.count(b"\x21\xf9\x04") >= 10, "an animation, not a still"
    app.css("[data-testid=save-drawing]").click()
    app.wait(lambda d: any("Studio" in t for t in texts(app, "[data-testid=notice]")))

    app.css("[data-testid=tab-sketchbook]").click()
    app.wait(lambda d: app.all("[data-testid=sketch-card]"))
    app.all("[data-testid=sketch-card]")[0].click()
    app.wait(lambda d: d.execute_script(
        "const i = document.querySelector('[data-testid=sketch-viewer] img'); return i && i.complete && i.naturalWidth > 0"))
    points = [(250, 100), (750, 225), (200, 600), (600, 620), (600, 700), (601, 225), (50, 50), (660, 300)]
    got = app.d.execute_async_script(PIXELS_OF_VIEWER_IMAGE, points)
    assert "error" not in got, got
    with open(os.path.join(app.out_dir, "studio-saved-sketch.png"), "wb") as f:
        f.write(base64.b64decode(got.pop("png").split(",", 1)[1]))
    assert got["size"] == [1024, 768]
    red, yellow, stamp, spray1, spray2, outline, paper, inside_corner = got["px"]
    # The sketchbook kept the drawing's document: it replays there and saves the replay as a GIF too.
    os.remove(gif)
    app.css("[data-testid=viewer-replay]").click()
    app.wait(lambda d: app.all("[data-testid=viewer-replay-stop]"), timeout=5)
    app.wait(lambda d: app.all("[data-testid=viewer-replay]"), timeout=20)
    app.css("[data-testid=viewer-save-gif]").click()
    app.wait(lambda d: os.path.exists(gif), timeout=60)
    with open(gif, "rb") as f:
        assert f.read(6) == b"GIF89a"
    assert close(red, "#e53935"), red
    assert close(yellow, "#fdd835"), yellow
    assert close(inside_corner, "#fdd835"), inside_corner  # the fill reaches the corner of the box
    assert close(stamp, "#2e7d32"), stamp
    assert close(spray1, "#ffffff", 8) and close(spray2, "#ffffff", 8), (spray1, spray2)
    assert close(outline, "#000000", 60), outline
    assert close(paper, "#ffffff", 8), paper
    app.screenshot("studio-saved.png")


def test_big_buttons_for_a_child_who_wants_them(app):
    app.restart()
    app.css("[data-testid=manage-children]").click()
    app.css("[data-testid=new-child-name]").send_keys("Ada")
    app.css("[data-testid=add-child]").click()
    box = app.wait(lambda d: app.all("[data-testid^=big-buttons-]"))[0]
    box.click()
    app.wait(lambda d: app.all("[data-testid^=big-buttons-]")[0].is_selected())
    app.d.execute_script("document.activeElement.blur()")
    ActionChains(app.d).send_keys("\ue00c").perform()  # Escape closes the dialog
    app.wait(lambda d: not app.all("[role=dialog]"))
    app.d.execute_script(
        "const s = document.querySelector('[data-testid=active-child]');"
        "s.value = [...s.options].find(o => o.textContent.includes('Ada')).value;"
        "s.dispatchEvent(new Event('change', {bubbles: true}));")
    app.wait(lambda d: app.css("[data-testid=studio]").get_attribute("data-big") == "true")
    sizes = app.d.execute_script(
        "return [...document.querySelectorAll('[data-testid=studio] button')].filter(b => b.offsetParent)"
        ".map(b => { const r = b.getBoundingClientRect(); return [b.dataset.testid || b.textContent.trim(), r.width, r.height]; })")
    small = [s for s in sizes if s[1] < 48 or s[2] < 48]
    assert small == [], small
    tools = app.all("[data-testid^=tool-]")
    assert 6 <= len(tools) < 12, "fewer choices"
    # The rail stays on the side, beside the page.
    rail = app.css("[role=toolbar][aria-label=Tools]").rect
    page = app.css("[data-testid=canvas]").rect
    assert rail["x"] + rail["width"] <= page["x"]
    app.screenshot("studio-big-buttons.png")


def test_start_again_asks_once_and_turns_the_page(app):
    app.restart()
    app.css("[data-testid=tool-marker]").click()
    drag(app, [(100, 100), (300, 120)])
    app.wait(lambda d: app.css("[data-testid=undo]").is_enabled())
    app.css("[data-testid=start-again]").click()
    app.css("[data-testid=start-cancel]").click()
    assert app.css("[data-testid=save-drawing]").is_enabled(), "cancel keeps the drawing"
    app.css("[data-testid=start-again]").click()
    app.css("[data-testid=start-portrait]").click()
    app.wait(lambda d: app.css("[data-testid=studio]").get_attribute("data-page") == "portrait")
    assert not app.css("[data-testid=save-drawing]").is_enabled(), "a fresh, empty page"
    # The tall page is what gets drawn on and saved: 768 x 1024.
    (x0, y0), (x1, y1) = offsets(app, [(0, 0), (768, 1024)])
    assert (y1 - y0) / (x1 - x0) == pytest.approx(1024 / 768, rel=0.02)
    drag(app, [(100, 900), (600, 900)])
    app.wait(lambda d: app.css("[data-testid=autosave]").get_attribute("data-state") == "saved")
    app.restart()
    app.wait(lambda d: app.css("[data-testid=studio]").get_attribute("data-page") == "portrait")
    app.screenshot("studio-portrait.png")


def test_every_tool_by_keyboard_alone(app):
    app.restart()
    app.d.execute_script("document.activeElement && document.activeElement.blur()")
    for key, tool in [("f", "fill"), ("s", "stamp"), ("b", "rect"), ("c", "crayon")]:
        ActionChains(app.d).send_keys(key).perform()
        app.wait(lambda d: app.css(f"[data-testid=tool-{tool}]").get_attribute("aria-pressed") == "true")
        assert app.css(f"[data-testid=tool-{tool}]").get_attribute("title").endswith(f"({key.upper()})")
    # Arrow keys walk the tool rail and Enter picks: from the crayon, down to the marker.
    app.css("[data-testid=tool-crayon]").click()
    ActionChains(app.d).send_keys("\ue015").perform()  # ArrowDown
    assert app.d.execute_script("return document.activeElement.dataset.testid") == "tool-marker"
    ActionChains(app.d).send_keys("\ue007").perform()  # Enter
    app.wait(lambda d: app.css("[data-testid=tool-marker]").get_attribute("aria-pressed") == "true")
    # Every button in the studio and the header has a name a screen reader can say.
    nameless = app.d.execute_script(
        "return [...document.querySelectorAll('header button, [data-testid=studio] button, [data-testid=studio] input')]"
        ".filter(b => !(b.getAttribute('aria-label') || b.textContent.trim() || b.labels?.length || b.placeholder))"
        ".map(b => b.outerHTML.slice(0, 80))")
    assert nameless == [], nameless
