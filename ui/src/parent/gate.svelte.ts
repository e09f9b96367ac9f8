/** The parent gate: a parent-only command that answers `ParentLocked` opens the PIN prompt,
 * and the command is tried again once the PIN is right (or given up when the prompt closes). */
import { isUiError, setParentGate } from "../lib/api";

class ParentGate {
  /** The PIN prompt is showing. */
  asking = $state(false);
  private waiters: ((unlocked: boolean) => void)[] = [];

  /** Shows the prompt; resolves `true` once unlocked, `false` when the parent closes it. */
  ask(): Promise<boolean> {
    this.asking = true;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Called by the prompt when it closes. */
  done(unlocked: boolean): void {
    this.asking = false;
    const waiting = this.waiters;
    this.waiters = [];
    waiting.forEach((w) => w(unlocked));
  }

  async run<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (e) {
      if (!isUiError(e) || e.kind !== "ParentLocked") throw e;
      if (!(await this.ask())) throw e;
      return action();
    }
  }
}

export const parentGate = new ParentGate();
setParentGate((action) => parentGate.run(action));
