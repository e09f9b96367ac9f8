"""The .deb as a family gets it: installed with the system's package tool, started from
/usr/bin with a fresh HOME, driven through its native menu, and removed again. Runs in file
order: each test picks up the window the one before left. `make test-package` runs it."""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from helpers import card_titles  # noqa: E402
from pngs import png  # noqa: E402

PACKAGE = "skaitch"
BINARY = "/usr/bin/skaitch-app"
DESKTOP = "/usr/share/applications/Skaitch.desktop"
MIME = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp"]
DATA = os.path.join(os.environ["XDG_DATA_HOME"], "app.skaitch.desktop")
CONFIG = os.path.join(os.environ["HOME"], ".config", "app.skaitch.desktop")


def as_root(*cmd):
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    return subprocess.run(prefix + list(cmd), check=True, capture_output=True, text=True)


def xdotool(*args):
    return subprocess.run(["xdotool", *args], check=True, capture_output=True, text=True).stdout


def menu(app, mnemonic, item_keys):
    """Chooses a native menu item from the keyboard, as a person would: Alt+mnemonic opens the
    menu, then `item_keys` (e.g. "Return") pick the item."""
    window = xdotool("search", "--sync", "--onlyvisible", "--name", "^Skaitch$").split()[0]
    xdotool("windowfocus", "--sync", window)
    xdotool("key", "--clearmodifiers", f"alt+{mnemonic}")
    time.sleep(0.3)
    xdotool("key", *item_keys)


def wait_gone(why):
    """Waits until no installed app runs (other checkouts' dev builds have other paths)."""
    deadline = time.time() + 15
    while subprocess.run(["pgrep", "-f", f"^{BINARY}"], capture_output=True).returncode == 0:
        assert time.time() < deadline, why
        time.sleep(0.2)


def tree_digest(*roots):
    """Every file under `roots` with a hash of its bytes."""
    files = {}
    for root in roots:
        for folder, _, names in os.walk(root):
            for n in names:
                p = os.path.join(folder, n)
                with open(p, "rb") as f:
                    files[p] = hashlib.sha256(f.read()).hexdigest()
    return files


def test_the_package_installs_the_app_its_desktop_entry_and_icons():
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE], check=True,
                             capture_output=True, text=True).stdout
    assert version, "the package is installed"
    assert os.access(BINARY, os.X_OK)
    check = subprocess.run(["desktop-file-validate", DESKTOP], capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.strip() == "", check.stdout
    entry = open(DESKTOP).read()
    mime_line = next(line for line in entry.splitlines() if line.startswith("MimeType="))
    assert set(mime_line.removeprefix("MimeType=").strip(";").split(";")) == set(MIME)
    assert "Exec=skaitch-app %F" in entry
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        assert os.path.exists(f"/usr/share/icons/hicolor/{size}x{size}/apps/skaitch-app.png"), size


def test_the_first_start_is_centred_on_a_laptop_screen_paints_and_imports_the_file_it_was_opened_with(app, tmp_path):
    first = tmp_path / "first drawing.png"
    first.write_bytes(png(320, 240))
    app.start([str(first)])
    screen_w, screen_h = (int(v) for v in xdotool("getdisplaygeometry").split())
    assert (screen_w, screen_h) == (1366, 768), "the session's screen is a small laptop's"
    r = app.d.get_window_rect()
    assert r["width"] >= 1000 and r["x"] >= 0 and r["y"] >= 0, r
    assert r["x"] + r["width"] <= screen_w and r["y"] + r["height"] <= screen_h, r
    assert abs(r["x"] - (screen_w - r["width"]) // 2) <= 2, f"centred across: {r}"
    assert abs(r["y"] - (screen_h - r["height"]) // 2) <= 2, f"centred down: {r}"
    # A brand-new sketchbook may greet the family first; they start fresh.
    welcome = app.wait(lambda d: (d.execute_script(
        "return document.querySelector('.shell')?.dataset.welcome") or "pending") != "pending" and
        d.execute_script("return document.querySelector('.shell').dataset.welcome"))
    if welcome == "shown":
        app.css("[data-testid=welcome-fresh]").click()
    app.wait(lambda d: card_titles(app) == ["first drawing"])
    # What the X server shows below the menu bar (the page, not the menu's text), not what the
    # page thinks it drew: the sketchbook's thumbnail, buttons and text give many colours.
    shot = os.path.join(app.out_dir, "installed-first-start.png")
    page = f"{r['width']}x{r['height'] - 60}+{r['x']}+{r['y'] + 60}"
    deadline, colours = time.time() + 20, 0
    while colours <= 50:
        assert time.time() < deadline, f"the page painted ({colours} colours below the menu bar)"
        time.sleep(0.5)
        subprocess.run(["import", "-window", "root", shot], check=True)
        colours = int(subprocess.run(["convert", shot, "-crop", page, "-format", "%k", "info:"],
                                     check=True, capture_output=True, text=True).stdout)


def test_opening_a_file_while_the_app_runs_imports_it_into_that_window(app, tmp_path):
    subprocess.run(["convert", "-size", "300x200", "gradient:orange-white",
                    str(tmp_path / "second drawing.jpg")], check=True)
    # What a file manager runs for "Open with Skaitch", from its own folder (a relative path).
    second = subprocess.run([BINARY, "second drawing.jpg"], cwd=tmp_path, env=app.env,
                            capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    app.wait(lambda d: sorted(card_titles(app)) == ["first drawing", "second drawing"])
    assert len(app.d.window_handles) == 1


def test_help_about_shows_the_package_version_and_the_data_folder(app):
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE], check=True,
                             capture_output=True, text=True).stdout
    menu(app, "h", ["Return"])
    app.wait(lambda d: app.all("[data-testid=about-version]"))
    app.screenshot("installed-about.png")
    assert app.css("[data-testid=about-name]").text == "Skaitch"
    assert app.css("[data-testid=about-version]").text == version.split("-")[0]
    assert app.css("[data-testid=about-data-dir]").text == DATA
    summary = app.wait(lambda d: app.css("[data-testid=about-licence-summary]").text)
    assert "Rust crates" in summary and "JavaScript packages" in summary
    app.css("[data-testid=about-show-folder]").click()
    app.wait(lambda d: os.path.exists(app.opened_log) and open(app.opened_log).read().split("\n")[0] == DATA)


def test_the_window_comes_back_where_the_family_left_it(app):
    app.css("[role=dialog][aria-label='About Skaitch'] [aria-label=Close]").click()
    app.wait(lambda d: not app.all("[data-testid=about]"))
    app.d.set_window_rect(x=40, y=30, width=1100, height=640)
    moved = app.d.get_window_rect()
    menu(app, "f", ["q"])  # File > Quit
    wait_gone("File > Quit ends the app")
    app.quit()
    app.start()
    try:
        assert app.d.get_window_rect() == moved
        app.css("[data-testid=tab-sketchbook]").click()
        app.wait(lambda d: sorted(card_titles(app)) == ["first drawing", "second drawing"])
    finally:
        app.quit()


def test_removing_the_package_leaves_the_family_data_untouched(app):
    wait_gone("the app has quit")
    # WebKit's helper processes outlive the app by a moment and tidy its web storage (kept in
    # the same folder): wait until nothing changes there any more.
    before, deadline = None, time.time() + 30
    while before != (now := tree_digest(DATA, CONFIG)):
        assert time.time() < deadline, "the data folder settles once the app has quit"
        before = now
        time.sleep(2)
    assert os.path.join(DATA, "skaitch.db") in before
    as_root("apt-get", "purge", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", PACKAGE)
    assert not os.path.exists(BINARY) and not os.path.exists(DESKTOP)
    assert tree_digest(DATA, CONFIG) == before
    db = sqlite3.connect(f"file:{os.path.join(DATA, 'skaitch.db')}?mode=ro", uri=True)
    assert db.execute("select count(*) from sketches").fetchone()[0] == 2
    assert shutil.which("skaitch-app") is None
