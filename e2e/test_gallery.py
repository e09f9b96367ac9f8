"""The family gallery on a seeded database, offline: no Replicate server, no token, and a
Replicate URL nothing listens on. Browse the virtualised grid, search as you type, open a detail,
compare, move with the arrow keys, star, save a picture and a card, copy, export, delete and undo.

Saving: WebDriver cannot drive the native save dialog, so the app runs with SKAITCH_SAVE_DIR
(the save and export commands then write into that folder under the suggested name)."""
import glob
import json
import os
import struct
import subprocess
import zlib

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from conftest import App
from helpers import texts

SKETCHES = 120


def png_size(path):
    """Decodes a PNG (chunk CRCs, zlib data, scanline count) and returns (width, height)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, width, height, bpp = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind}"
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            bpp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color] * depth // 8
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert len(zlib.decompress(idat)) == height * (1 + width * bpp)
    return width, height


@pytest.fixture(scope="module")
def saves(tmp_path_factory):
    return str(tmp_path_factory.mktemp("saves"))


@pytest.fixture(scope="module")
def app(tmp_path_factory, saves, request):
    out = os.path.abspath("test-output")
    os.makedirs(out, exist_ok=True)
    data = str(tmp_path_factory.mktemp("data"))
    cli = os.environ.get("SKAITCH_CLI_BIN") or os.path.join(os.path.dirname(os.environ["SKAITCH_APP_BIN"]), "skaitch")
    subprocess.run([cli, "dev", "seed", "--sketches", str(SKETCHES), "--children", "3",
                    "--generations-per-sketch", "2", "--pictures-per-generation", "2"],
                   env=dict(os.environ, SKAITCH_DATA_DIR=data), check=True, capture_output=True)
    env = {
        "SKAITCH_REPLICATE_URL": "http://127.0.0.1:9",  # nothing listens: any request would fail
        "SKAITCH_KEYCHAIN_SERVICE": f"app.skaitch.e2e.gallery.{os.getpid()}",  # empty: no token
        "SKAITCH_SAVE_DIR": saves,
    }
    a = App(data, out, env)
    yield a
    a.close()


def count(app):
    return texts(app, "[data-testid=gallery-count]")[0]


def titles(app):
    return texts(app, "[data-testid=gallery-card-title]")


def img_loaded(app, selector):
    return app.d.execute_script(
        "const i = document.querySelector(arguments[0]); return !!(i && i.complete && i.naturalWidth > 0);", selector)


def first_card_generations(app):
    return app.d.execute_script(
        "const c = document.querySelector('[data-testid=gallery-card]');"
        "return c ? [...c.querySelectorAll('[data-testid=gallery-generation]')].map(e => e.textContent) : [];")


def type_slowly(el, text):
    for ch in text:
        el.send_keys(ch)


def test_browse_a_seeded_gallery_virtualised_and_search_as_you_type(app):
    app.css("[data-testid=tab-gallery]").click()
    app.wait(lambda d: count(app) == f"{SKETCHES} drawings with art")
    app.wait(lambda d: titles(app) and titles(app)[0] == f"our car {SKETCHES}")
    app.wait(lambda d: img_loaded(app, "[data-testid=gallery-card-cover]"))
    rendered = len(app.all("[data-testid=gallery-card]"))
    assert 0 < rendered < SKETCHES // 2, f"{rendered} cards in the DOM: the grid is not virtualised"
    # Scrolling to the end renders the oldest art (and not the newest any more).
    app.d.execute_script("const s = document.querySelector('[data-testid=gallery-scroll]'); s.scrollTop = s.scrollHeight;")
    app.wait(lambda d: "a house 1" in titles(app))
    assert f"our car {SKETCHES}" not in titles(app)
    assert len(app.all("[data-testid=gallery-card]")) < SKETCHES // 2

    search = app.css("[data-testid=gallery-search]")
    type_slowly(search, "cleo")
    app.wait(lambda d: count(app) == f"{SKETCHES // 3} drawings with art")
    metas = texts(app, "[data-testid=gallery-card] .meta")
    assert metas and all(m.startswith("Cleo") for m in metas), metas
    search.send_keys(Keys.CONTROL, "a")
    type_slowly(search, "our car 120")
    app.wait(lambda d: count(app) == "1 drawing with art")
    assert titles(app) == [f"our car {SKETCHES}"]
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    app.wait(lambda d: count(app) == f"{SKETCHES} drawings with art")


def test_detail_compare_arrow_keys_and_star(app):
    app.wait(lambda d: titles(app) and titles(app)[0] == f"our car {SKETCHES}")
    app.css("[data-testid=gallery-card-open]").click()
    app.wait(lambda d: app.all("[data-testid=gallery-detail] [data-testid=detail-picture]"))
    app.wait(lambda d: img_loaded(app, "[data-testid=detail-picture]") and img_loaded(app, "[data-testid=detail-drawing]"))
    seed = texts(app, "[data-testid=setting-seed]")[0]
    assert seed.isdigit() and int(seed) > 0
    assert texts(app, "[data-testid=setting-strength]")[0].startswith("0.60")
    assert texts(app, "[data-testid=detail-position]") == ["1 / 2"]
    first_src = app.css("[data-testid=detail-picture]").get_attribute("src")
    body = app.d.find_element("css selector", "body")
    body.send_keys(Keys.ARROW_RIGHT)
    app.wait(lambda d: texts(app, "[data-testid=detail-position]") == ["2 / 2"])
    assert app.css("[data-testid=detail-picture]").get_attribute("src") != first_src
    # Past the last picture: the drawing's other (older) generation, and back.
    style = texts(app, "[data-testid=setting-style]")[0]
    body.send_keys(Keys.ARROW_RIGHT)
    app.wait(lambda d: texts(app, "[data-testid=setting-style]")[0] != style)
    assert texts(app, "[data-testid=detail-position]") == ["1 / 2"]
    body.send_keys(Keys.ARROW_LEFT)
    app.wait(lambda d: texts(app, "[data-testid=setting-style]")[0] == style)
    assert texts(app, "[data-testid=detail-position]") == ["2 / 2"]
    body.send_keys(Keys.ARROW_LEFT)
    app.wait(lambda d: texts(app, "[data-testid=detail-position]") == ["1 / 2"])

    # Compare: the picture over the drawing, revealed up to where the parent clicks.
    app.css("[data-testid=mode-compare]").click()
    app.wait(lambda d: img_loaded(app, "[data-testid=compare-top]") and img_loaded(app, "[data-testid=compare-drawing]"))
    stage = app.css("[data-testid=compare] .stage")
    width = stage.size["width"]
    ActionChains(app.d).move_to_element_with_offset(stage, -width // 4, 0).click().perform()
    clip = app.wait(lambda d: app.css("[data-testid=compare-top]").value_of_css_property("clip-path"))
    value = int(app.css("[data-testid=compare-slider]").get_attribute("value"))
    assert 20 <= value <= 30, value
    assert f"{100 - value}%" in clip, clip
    app.screenshot("gallery-compare.png")

    # Star the picture: the favourites filter finds exactly it.
    app.css("[data-testid=detail-star]").click()
    app.wait(lambda d: app.css("[data-testid=detail-star]").get_attribute("aria-pressed") == "true")
    body.send_keys(Keys.ESCAPE)
    app.wait(lambda d: not app.all("[data-testid=gallery-detail]"))
    app.css("[data-testid=gallery-favourites]").click()
    app.wait(lambda d: count(app) == "1 drawing with art")
    assert titles(app) == [f"our car {SKETCHES}"]
    app.css("[data-testid=gallery-favourites]").click()
    app.wait(lambda d: count(app) == f"{SKETCHES} drawings with art")


def test_save_a_picture_and_a_card_and_export(app, saves):
    app.wait(lambda d: titles(app) and titles(app)[0] == f"our car {SKETCHES}")
    app.css("[data-testid=gallery-card-open]").click()
    app.wait(lambda d: app.all("[data-testid=detail-save]"))
    app.css("[data-testid=detail-save]").click()
    app.wait(lambda d: any(t.startswith("Saved ") for t in texts(app, "[data-testid=notice] span")))
    pictures = [p for p in glob.glob(os.path.join(saves, "*.png")) if "before and after" not in p]
    assert len(pictures) == 1, pictures
    assert "our car 120" in os.path.basename(pictures[0])
    assert png_size(pictures[0]) == (512, 512)

    # Copy: the clipboard write is accepted (WebKit refuses one that starts after the click).
    app.css("[data-testid=detail-copy]").click()
    app.wait(lambda d: "Copied the picture." in texts(app, "[data-testid=notice] span"))

    app.css("[data-testid=detail-card]").click()
    app.wait(lambda d: glob.glob(os.path.join(saves, "*before and after.png")))
    card = glob.glob(os.path.join(saves, "*before and after.png"))[0]
    assert png_size(card) == (1600, 1000)
    app.d.find_element("css selector", "body").send_keys(Keys.ESCAPE)
    app.wait(lambda d: not app.all("[data-testid=gallery-detail]"))

    app.css("[data-testid=gallery-export]").click()
    app.wait(lambda d: any(t.startswith("Exported ") for t in texts(app, "[data-testid=notice] span")), 60)
    folders = [f for f in glob.glob(os.path.join(saves, "Skaitch *")) if os.path.isdir(f)]
    assert len(folders) == 1, folders
    index = json.load(open(os.path.join(folders[0], "index.json")))
    assert len(index["sketches"]) == SKETCHES
    assert os.path.isfile(os.path.join(folders[0], "index.html"))
    drawing = os.path.join(folders[0], index["sketches"][0]["drawing"])
    assert png_size(drawing)[0] > 0


def test_delete_a_generation_and_undo(app):
    app.wait(lambda d: titles(app) and titles(app)[0] == f"our car {SKETCHES}")
    app.css("[data-testid=gallery-card-open]").click()
    app.wait(lambda d: app.all("[data-testid=delete-generation]"))
    before = first_card_generations(app)
    app.css("[data-testid=delete-generation]").click()
    app.wait(lambda d: not app.all("[data-testid=gallery-detail]"))
    app.wait(lambda d: app.all("[data-testid=undo-toast]"))
    app.wait(lambda d: len(first_card_generations(app)) == 1
             or titles(app)[0] != f"our car {SKETCHES}")
    app.css("[data-testid=undo]").click()
    app.wait(lambda d: first_card_generations(app) == before)
    assert titles(app)[0] == f"our car {SKETCHES}"
    assert not texts(app, "[data-testid=notice].error span")
