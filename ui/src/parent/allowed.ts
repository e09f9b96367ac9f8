/** Who may run "Any model" (a model that is not a preset), as the generate panel explains it
 * before the child presses the button. The rule itself lives in the Rust core
 * (`parent/models.rs`); this only words it. */

export type Access = "open" | "pin" | "closed";

/** `owner/name` of `owner/name[:version]`, lowercase; `null` when it is not a model name. */
export function modelName(spec: string): string | null {
  const name = spec.trim().split(":")[0].toLowerCase();
  return /^[a-z0-9._-]+\/[a-z0-9._-]+$/.test(name) ? name : null;
}

/** Whether `spec` runs for anyone (on the list), needs the parent's PIN, or cannot run until a
 * parent lists it (no PIN set). */
export function access(spec: string, allowed: string[], pinSet: boolean): Access {
  const name = modelName(spec);
  if (name !== null && allowed.includes(name)) return "open";
  return pinSet ? "pin" : "closed";
}

/** What the panel says about it. */
export function accessText(a: Access): string {
  switch (a) {
    case "open":
      return "A parent allowed this model.";
    case "pin":
      return "This model is not on the parent's list: a parent types the PIN to run it.";
    case "closed":
      return "Only models a parent allowed can run here. Ask a parent to add it in Settings (and to set a PIN, so only a parent can).";
  }
}
