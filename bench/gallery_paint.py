"""The gallery in the real window under Xvfb, on a database of 10,000 sketches and 40,000 pictures
seeded by `skaitch-bench gallery DIR`: from pressing the Gallery tab until the first row of cards
has painted (measured inside the page: click to the frame after the pictures decoded), a jump to
the middle of the grid, smooth scrolling (frame times), and thumbnails fetched through the
`skaitch://` protocol. Each window is given a second after start, as a person would take to
reach for the tab (the app prefetches the first page then). Run with `make bench-gallery` (it seeds, starts Xvfb and tauri-driver)."""
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from conftest import App  # noqa: E402

RUNS = int(os.environ.get("RUNS", "5"))
DATA = os.environ["GALLERY_DATA"]

PAINT_FIRST_ROW = """
const done = arguments[arguments.length - 1];
const t0 = performance.now();
document.querySelector('[data-testid=tab-gallery]').click();
function check() {
  const imgs = [...document.querySelectorAll('[data-testid=gallery-card] img')].slice(0, 8);
  if (imgs.length >= 8 && imgs.every(i => i.complete && i.naturalWidth > 0)) {
    // The next frame shows them; a task queued from it runs once that frame is painted.
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
  } else requestAnimationFrame(check);
}
requestAnimationFrame(check);
"""

JUMP_TO_MIDDLE = """
const done = arguments[arguments.length - 1];
const s = document.querySelector('[data-testid=gallery-scroll]');
const t0 = performance.now();
s.scrollTop = s.scrollHeight / 2;
s.dispatchEvent(new Event('scroll'));
function check() {
  const cards = [...document.querySelectorAll('[data-testid=gallery-card]')];
  const title = cards[0] && cards[0].querySelector('[data-testid=gallery-card-title]').textContent;
  const imgs = cards.slice(0, 8).flatMap(c => [...c.querySelectorAll('img')]);
  if (cards.length >= 8 && imgs.every(i => i.complete && i.naturalWidth > 0)) {
    requestAnimationFrame(() => setTimeout(() => done([performance.now() - t0, title, cards.length]), 0));
  } else requestAnimationFrame(check);
}
requestAnimationFrame(check);
"""

SCROLL = """
const done = arguments[arguments.length - 1];
const s = document.querySelector('[data-testid=gallery-scroll]');
s.scrollTop = 0;
const frames = [];
let last = null, n = 0;
function step(t) {
  if (last !== null) frames.push(t - last);
  last = t;
  s.scrollTop += 120;
  if (++n < 240) requestAnimationFrame(step);
  else done([frames, document.querySelectorAll('[data-testid=gallery-card]').length]);
}
requestAnimationFrame(step);
"""

FETCH = """
const [ids, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const times = [];
  for (const id of ids) {
    const url = `skaitch://localhost/output/${id}/thumbnail?bench=${id}`;
    const t = performance.now();
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
    } catch (e) {
      // Custom schemes may not be fetchable: time an image load (download + decode) instead.
      await new Promise((ok) => { const i = new Image(); i.onload = i.onerror = ok; i.src = url; });
    }
    times.push(performance.now() - t);
  }
  done(times);
})();
"""


def main():
    app = App(DATA, tempfile.mkdtemp())
    app.d.set_script_timeout(60)
    first, jumps = [], []
    for run in range(RUNS):
        if run:
            app.restart()
            app.d.set_script_timeout(60)
        # A parent takes a moment to reach for the tab; the app prefetches the first page meanwhile.
        time.sleep(1)
        first.append(app.d.execute_async_script(PAINT_FIRST_ROW))
        ms, title, cards = app.d.execute_async_script(JUMP_TO_MIDDLE)
        jumps.append(ms)
    frames, cards = app.d.execute_async_script(SCROLL)
    fetches = app.d.execute_async_script(FETCH, list(range(20001, 20401)))
    app.close()
    print(f"Gallery tab -> first 8 cards painted (page query, thumbnails through skaitch://), {RUNS} cold windows: "
          f"median {statistics.median(first):.0f} ms, min {min(first):.0f}, max {max(first):.0f}")
    print(f"jump to the middle of 10,000 (e.g. {title!r}) -> painted: median {statistics.median(jumps):.0f} ms "
          f"({cards} cards in the DOM)")
    frames.sort()
    print(f"scrolling 120 px a frame for 240 frames: frame time median {statistics.median(frames):.1f} ms, "
          f"p95 {frames[len(frames) * 95 // 100]:.1f} ms, worst {frames[-1]:.1f} ms; {cards} cards in the DOM")
    fetches.sort()
    print(f"thumbnail through skaitch:// (400 distinct, in the webview): median {statistics.median(fetches):.2f} ms, "
          f"p95 {fetches[len(fetches) * 95 // 100]:.2f} ms")


main()
