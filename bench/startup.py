"""Cold start of the app to first paint under Xvfb: WebDriver launches the real window and we
time until the drawing canvas is on screen and the sketchbook's first page has painted.
Run with `make bench-startup` (it starts Xvfb and tauri-driver)."""
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from conftest import App  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

RUNS = int(os.environ.get("RUNS", "7"))

data = tempfile.mkdtemp(prefix="skaitch-bench-")
if os.environ.get("SEED_DB"):
    import shutil
    shutil.copy(os.environ["SEED_DB"], os.path.join(data, "skaitch.db"))
app = App(data, tempfile.mkdtemp())
app.d.quit()
app.d = None
times = []
for _ in range(RUNS):
    t0 = time.perf_counter()
    app.start()
    app.wait(lambda d: d.execute_script(
        "const c = document.querySelector('[data-testid=canvas]'); return c && c.width > 0;"), 30, 0.005)
    t1 = time.perf_counter()
    app.d.find_element(By.CSS_SELECTOR, "[data-testid=tab-sketchbook]").click()
    app.wait(lambda d: d.execute_script(
        "const i = document.querySelector('[data-testid=sketch-card] img');"
        "return !!(i && i.complete && i.naturalWidth);") or not os.environ.get("SEED_DB"), 30, 0.005)
    t2 = time.perf_counter()
    times.append((t1 - t0, t2 - t1))
    app.d.quit()
    app.d = None
    time.sleep(0.5)
app.close()
first = [t[0] * 1000 for t in times]
book = [t[1] * 1000 for t in times]
print(f"cold start to first paint (canvas ready), {RUNS} runs: median {statistics.median(first):.0f} ms, "
      f"min {min(first):.0f} ms, max {max(first):.0f} ms")
print(f"switch to sketchbook until first thumbnail painted: median {statistics.median(book):.0f} ms")
