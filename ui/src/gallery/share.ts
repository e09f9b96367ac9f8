/** Putting a picture on the clipboard as PNG (the bytes come from the app, converted if needed). */
import { api } from "../lib/api";

/** Copies picture `outputId` to the clipboard; throws with a plain message if the system refuses. */
export async function copyPicture(outputId: number): Promise<void> {
  const bytes = await api.picturePng(outputId);
  const blob = new Blob([bytes], { type: "image/png" });
  if (typeof ClipboardItem === "undefined" || !navigator.clipboard?.write) {
    throw new Error("This system does not let the app copy pictures; use Save as PNG instead.");
  }
  await navigator.clipboard.write([new ClipboardItem({ "image/png": blob })]);
}
