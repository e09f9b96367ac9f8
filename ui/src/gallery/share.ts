/**
 * Putting a picture on the clipboard as PNG (the bytes come from the app, converted if needed).
 * WebKit only lets a page write the clipboard during the click itself, so the write starts at
 * once with a promise of the bytes (a `ClipboardItem` accepts one) rather than after fetching them.
 */
import { api } from "../lib/api";

/** Copies picture `outputId` to the clipboard; call it straight from a click handler. */
export function copyPicture(outputId: number): Promise<void> {
  if (typeof ClipboardItem === "undefined" || !navigator.clipboard?.write) {
    return Promise.reject(new Error("This system does not let the app copy pictures; use Save as PNG instead."));
  }
  const png = api.picturePng(outputId).then((bytes) => new Blob([bytes], { type: "image/png" }));
  return navigator.clipboard.write([new ClipboardItem({ "image/png": png })]);
}
