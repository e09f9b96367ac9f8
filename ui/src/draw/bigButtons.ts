/** Whether the child drawing now wants big buttons (a per-child setting; no child means the normal studio). */
import type { Child } from "../lib/api";

export function bigButtonsFor(child: Child | null): boolean {
  return child?.bigButtons === true;
}
