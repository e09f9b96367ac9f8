/** Page-to-screen geometry: letterboxes the fixed logical page inside the canvas; shared by rendering and input. */

/**
 * Where the page sits inside a canvas element. A page point (x, y) appears at CSS pixel
 * (offsetX + x * scale, offsetY + y * scale) of the canvas; the backing store is `dpr` times larger.
 */
export interface Viewport {
  readonly cssWidth: number;
  readonly cssHeight: number;
  readonly dpr: number;
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

/** Zoom and pan on top of the fitted page: zoom 1 and no pan show the whole page. */
export interface ViewTransform {
  readonly zoom: number;
  /** CSS pixels the page is moved by, after zooming about the centre of the box. */
  readonly panX: number;
  readonly panY: number;
}

export const NO_ZOOM: ViewTransform = { zoom: 1, panX: 0, panY: 0 };
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 8;

/**
 * Fits the whole page into the box, keeping its aspect ratio and centring it (bars on two sides if needed),
 * then zooms about the box's centre and pans.
 */
export function computeViewport(
  cssWidth: number,
  cssHeight: number,
  pageWidth: number,
  pageHeight: number,
  dpr = 1,
  view: ViewTransform = NO_ZOOM,
): Viewport {
  const w = Math.max(0, cssWidth);
  const h = Math.max(0, cssHeight);
  const fit = pageWidth > 0 && pageHeight > 0 ? Math.min(w / pageWidth, h / pageHeight) : 0;
  const scale = fit * view.zoom;
  return {
    cssWidth: w,
    cssHeight: h,
    dpr: dpr > 0 && Number.isFinite(dpr) ? dpr : 1,
    scale,
    offsetX: (w - pageWidth * scale) / 2 + view.panX,
    offsetY: (h - pageHeight * scale) / 2 + view.panY,
  };
}

/**
 * The view after zooming by `factor` about a point of the box (CSS pixels from its top-left), so the
 * spot under the pointer stays put. Zoom stays within MIN_ZOOM..MAX_ZOOM; back at 1 the page recentres.
 */
export function zoomAbout(view: ViewTransform, factor: number, boxW: number, boxH: number, px: number, py: number): ViewTransform {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom * factor));
  if (zoom === 1) return NO_ZOOM;
  const k = zoom / view.zoom;
  // A box point q maps to centre + (q - centre - pan) * k + pan', and it must stay at q.
  const cx = boxW / 2;
  const cy = boxH / 2;
  return { zoom, panX: (px - cx) * (1 - k) + view.panX * k, panY: (py - cy) * (1 - k) + view.panY * k };
}

/**
 * Converts a pointer's client coordinates to page coordinates, given the canvas's bounding rect.
 * Returns NaN coordinates for a zero-sized canvas; the document ignores such points.
 */
export function clientToPage(
  viewport: Viewport,
  rect: { readonly left: number; readonly top: number },
  clientX: number,
  clientY: number,
): { x: number; y: number } {
  if (viewport.scale <= 0) return { x: Number.NaN, y: Number.NaN };
  return {
    x: (clientX - rect.left - viewport.offsetX) / viewport.scale,
    y: (clientY - rect.top - viewport.offsetY) / viewport.scale,
  };
}

/** The canvas transform (in backing-store pixels) that makes page coordinates draw in the right place. */
export function pageTransform(viewport: Viewport): [number, number, number, number, number, number] {
  const k = viewport.scale * viewport.dpr;
  return [k, 0, 0, k, viewport.offsetX * viewport.dpr, viewport.offsetY * viewport.dpr];
}
