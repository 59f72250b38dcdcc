/**
 * Checking after every step: the run's invariants, each one's ghost state (kept here, forked
 * with the world) and the `stopWhen` condition.
 */
import type { Invariant, StepInfo, WorldView } from "./view.js";

/** What a check after a step concluded. */
export type CheckOutcome = { readonly invariant: string; readonly message: string } | "stop" | undefined;

/** The invariants of a run with their ghost states. */
export class Checker {
  /** False when there is nothing to check after a step (the hot loop then skips building step info). */
  readonly active: boolean;

  constructor(
    private readonly invariants: readonly Invariant[],
    /** Each invariant's ghost state (undefined for those without one), by index. */
    private readonly ghosts: unknown[],
    private readonly stopWhen: ((view: WorldView) => boolean) | undefined,
  ) {
    this.active = invariants.length > 0 || stopWhen !== undefined;
  }

  /** The checker of a new run: every ghost at its initial value. */
  static create(invariants: readonly Invariant[], stopWhen: ((view: WorldView) => boolean) | undefined): Checker {
    return new Checker(invariants, invariants.map((inv) => inv.ghost?.initial), stopWhen);
  }

  /** A copy with its own ghost states (they are immutable values, so a shallow copy suffices). */
  clone(): Checker {
    return new Checker(this.invariants, this.ghosts.slice(), this.stopWhen);
  }

  /** The ghost states, for fingerprints. */
  ghostStates(): readonly unknown[] {
    return this.ghosts;
  }

  /**
   * Updates the ghosts and checks every invariant against `last`; a throwing check is a violation
   * too. With `judge` false only the ghosts are updated (a step whose end state never existed).
   */
  afterStep(view: WorldView, last: StepInfo, judge = true): CheckOutcome {
    for (let i = 0; i < this.invariants.length; i++) {
      const inv = this.invariants[i] as Invariant;
      let message: string | undefined | void;
      try {
        if (inv.ghost !== undefined) this.ghosts[i] = inv.ghost.update(this.ghosts[i], view, last);
        if (judge) message = inv.check(view, last, this.ghosts[i]);
      } catch (err) {
        message = `the check threw: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (typeof message === "string") return { invariant: inv.name, message };
    }
    return judge && this.stopWhen?.(view) ? "stop" : undefined;
  }
}
