"""Studio figures in the real window (WebKitGTK, software rendering under Xvfb): a long stroke drawn over 500
earlier strokes, undo's full redraw, a fill on that page. Numbers go to test-output/studio-bench.json for
docs/benchmarks.md; the test asserts what the user sees (ink, paint), never a time."""
import json
import os
import random

# Times the engine's work per pointer event: a capture listener on window runs before the canvas's own
# listener, one added to the canvas after it runs after; the difference is what drawing costs.
MEASURE_STROKE = """
const c = document.querySelector('[data-testid=canvas]');
const r = c.getBoundingClientRect();
const times = [];
let t0 = 0;
const before = () => { t0 = performance.now(); };
const after = () => { times.push(performance.now() - t0); };
window.addEventListener('pointermove', before, true);
c.addEventListener('pointermove', after);
const ev = (type, x, y) => c.dispatchEvent(new PointerEvent(type, {
  bubbles: true, cancelable: true, pointerId: 7, pointerType: 'mouse', isPrimary: true, button: 0, buttons: 1,
  clientX: r.left + x, clientY: r.top + y, pressure: 0.5}));
ev('pointerdown', 40, 40);
const start = performance.now();
for (let i = 0; i < 1000; i++) ev('pointermove', 40 + (i % 500) * (r.width - 80) / 500, 40 + Math.floor(i / 500) * 100 + 30 * Math.sin(i / 9));
const total = performance.now() - start;
ev('pointerup', 60, 60);
window.removeEventListener('pointermove', before, true);
c.removeEventListener('pointermove', after);
times.sort((a, b) => a - b);
return {moves: times.length, mean: total / 1000, p50: times[500], p95: times[950], max: times[999]};
"""

TIME_CLICK = """
const b = document.querySelector(arguments[0]);
const t = performance.now();
b.click();
return performance.now() - t;
"""

TIME_FILL_TAP = """
const c = document.querySelector('[data-testid=canvas]');
const r = c.getBoundingClientRect();
const [fx, fy] = arguments[0];
performance.clearMeasures();
const ev = (type) => c.dispatchEvent(new PointerEvent(type, {
  bubbles: true, cancelable: true, pointerId: 8, pointerType: 'mouse', isPrimary: true, button: 0,
  clientX: r.left + r.width * fx, clientY: r.top + r.height * fy, pressure: 0.5}));
const t = performance.now();
ev('pointerdown');
ev('pointerup');
return performance.now() - t;
"""

# The pixel at a fraction of the page (the fill is tapped on paper, not on a line).
PIXEL_AT = """
const c = document.querySelector('[data-testid=canvas]');
const [fx, fy] = arguments[0];
const d = c.getContext('2d').getImageData(Math.floor(c.width * fx), Math.floor(c.height * fy), 1, 1).data;
return Array.from(d.slice(0, 3));
"""

# A spot of bare paper near the middle of the page, as fractions of its size.
PAPER_NEAR_MIDDLE = """
const c = document.querySelector('[data-testid=canvas]');
const g = c.getContext('2d');
for (let r = 0; r < 0.3; r += 0.01) for (let a = 0; a < 6.28; a += 0.2) {
  const fx = 0.5 + r * Math.cos(a), fy = 0.5 + r * Math.sin(a);
  const d = g.getImageData(Math.floor(c.width * fx), Math.floor(c.height * fy), 1, 1).data;
  if (d[0] > 240 && d[1] > 240 && d[2] > 240) return [fx, fy];
}
return null;
"""


def five_hundred_strokes():
    rnd = random.Random(14)
    history = []
    for _ in range(500):
        x, y = rnd.uniform(0, 1024), rnd.uniform(0, 768)
        points = []
        for _ in range(40):
            x = min(1024, max(0, x + rnd.uniform(-12, 12)))
            y = min(768, max(0, y + rnd.uniform(-12, 12)))
            points.append({"x": round(x, 2), "y": round(y, 2), "pressure": 1})
        history.append({"type": "stroke", "stroke": {
            "tool": "brush", "color": "#1e40af", "size": 4, "brush": "pencil", "points": points}})
    return {"format": "skaitch-sketch", "version": 2, "width": 1024, "height": 768,
            "base": [h["stroke"] for h in history[:300]], "history": history[300:], "cursor": 200}


def test_studio_figures_with_500_strokes_on_the_page(app):
    doc = five_hundred_strokes()
    app.d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI_INTERNALS__.invoke('save_draft', {document: arguments[0]}).then(() => done(true), e => done(String(e)));",
        json.dumps(doc))
    app.restart()
    app.wait(lambda d: app.css("[data-testid=undo]").is_enabled())
    figures = {"window": app.d.execute_script("return [innerWidth, innerHeight, devicePixelRatio]")}
    figures["stroke"] = app.d.execute_script(MEASURE_STROKE)
    assert figures["stroke"]["moves"] == 1000
    figures["undo_full_redraw_ms"] = [app.d.execute_script(TIME_CLICK, "[data-testid=undo]") for _ in range(5)]
    app.css("[data-testid=tool-fill]").click()
    app.css("[data-testid=color-fdd835]").click()
    spot = app.d.execute_script(PAPER_NEAR_MIDDLE)
    assert spot, "no bare paper near the middle of the page"
    before = app.d.execute_script(PIXEL_AT, spot)
    steps = ("return Object.fromEntries(performance.getEntriesByType('measure')"
             ".filter(m => m.name.startsWith('skaitch:fill')).map(m => [m.name.slice(8), Math.round(m.duration)]))")
    # The first fill right after loading (the bucket's raster is drawn from scratch) ...
    figures["fill_cold_tap_ms"] = app.d.execute_script(TIME_FILL_TAP, spot)
    figures["fill_cold_steps_ms"] = app.d.execute_script(steps)
    after = app.d.execute_script(PIXEL_AT, spot)
    # ... and one a moment later, when the raster has been kept up to date in a quiet moment.
    app.d.execute_async_script("setTimeout(arguments[arguments.length - 1], 1000)")
    figures["fill_warm_tap_ms"] = app.d.execute_script(TIME_FILL_TAP, [0.2, 0.3])
    figures["fill_warm_steps_ms"] = app.d.execute_script(steps)
    app.css("[data-testid=undo]").click()
    figures["undo_with_fill_ms"] = app.d.execute_script(TIME_CLICK, "[data-testid=undo]")
    figures["draft_json_kib"] = round(len(json.dumps(doc)) / 1024)
    out = os.path.join(app.out_dir, "studio-bench.json")
    with open(out, "w") as f:
        json.dump(figures, f, indent=2)
    print(json.dumps(figures))
    assert before != after, f"the fill did not paint the paper it was tapped on at {spot}"
    assert abs(after[0] - 0xfd) < 30 and abs(after[1] - 0xd8) < 30 and abs(after[2] - 0x35) < 40, after
