/** Date filter bounds: what a date input holds, as the Unix milliseconds the store compares. */

/** `yyyy-mm-dd` as local midnight in Unix ms; with `next`, the midnight after (an end bound). */
export function dayStart(value: string, next = false): number | null {
  if (!value) return null;
  const [y, m, d] = value.split("-").map(Number);
  if (!y || !m || !d) return null;
  return new Date(y, m - 1, d + (next ? 1 : 0)).getTime();
}
