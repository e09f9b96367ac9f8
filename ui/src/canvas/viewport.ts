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

/** Fits the whole page into the box, keeping its aspect ratio and centring it (bars on two sides if needed). */
export function computeViewport(
  cssWidth: number,
  cssHeight: number,
  pageWidth: number,
  pageHeight: number,
  dpr = 1,
): Viewport {
  const w = Math.max(0, cssWidth);
  const h = Math.max(0, cssHeight);
  const scale = pageWidth > 0 && pageHeight > 0 ? Math.min(w / pageWidth, h / pageHeight) : 0;
  return {
    cssWidth: w,
    cssHeight: h,
    dpr: dpr > 0 && Number.isFinite(dpr) ? dpr : 1,
    scale,
    offsetX: (w - pageWidth * scale) / 2,
    offsetY: (h - pageHeight * scale) / 2,
  };
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
