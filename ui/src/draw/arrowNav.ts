/** Arrow keys move focus between the buttons of a toolbar (Home/End to the ends), as the ARIA toolbar pattern asks. */

/** Svelte action: `<div role="toolbar" use:arrowNav>`; Tab still walks every button too. */
export function arrowNav(node: HTMLElement): { destroy(): void } {
  const onKey = (e: KeyboardEvent): void => {
    if (!["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(e.key)) return;
    const target = e.target as HTMLElement | null;
    if (!target || target.tagName !== "BUTTON") return;
    const buttons = [...node.querySelectorAll<HTMLButtonElement>("button:not(:disabled)")];
    const at = buttons.indexOf(target as HTMLButtonElement);
    if (at < 0) return;
    const next =
      e.key === "Home" ? 0 : e.key === "End" ? buttons.length - 1 : e.key === "ArrowLeft" || e.key === "ArrowUp" ? at - 1 : at + 1;
    const button = buttons[(next + buttons.length) % buttons.length];
    if (!button) return;
    e.preventDefault();
    button.focus();
  };
  node.addEventListener("keydown", onKey);
  return { destroy: () => node.removeEventListener("keydown", onKey) };
}
