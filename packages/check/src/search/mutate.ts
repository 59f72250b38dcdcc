/**
 * Mutations of a case for the guided mode, as AFL mutates inputs and Mallory mutates fault
 * schedules. Half are one small step that keeps the parent's configuration, swarm and triggers
 * (another seed, one fault shifted, dropped or added, one trigger moved: AFL's deterministic
 * stage, near the run that reached rare coverage); half are havoc: one to three of add, drop or
 * shift a fault, change or add a trigger, splice two plans (faults and triggers), vary the
 * configuration or the seed, switch a fault kind. Results stay inside the case arbitrary's
 * domain, so a mutated case that fails still shrinks.
 */
import type { Rng } from "@faultline/kernel";
import { FAULT_KINDS, type Case, type TimedFault } from "./case.js";
import type { Trigger } from "./triggers.js";

/** Limits a mutation keeps to (those of the case arbitrary). */
export interface MutationLimits {
  readonly windowMs: number;
  readonly maxFaults: number;
  readonly maxTriggers: number;
}

function without<T>(xs: readonly T[], i: number): T[] {
  return [...xs.slice(0, i), ...xs.slice(i + 1)];
}

/**
 * A trigger moved in time (armed earlier or later, it fires on another event of its kind), or
 * aimed at another node (a clog's link end, or a trigger's node: "any node" included).
 */
function tweak(t: Trigger, rng: Rng, windowMs: number): Trigger {
  if (rng.chance(0.6)) return { ...t, at: Math.min(windowMs - 1, Math.max(0, t.at + rng.int(-400, 400))) };
  const node = rng.int(0, 9);
  if (t.type === "clog") return rng.chance(0.5) ? { ...t, from: node } : { ...t, to: node };
  const w = t.when;
  if (w.on === "send") return { ...t, when: rng.chance(0.5) ? { ...w, from: node } : { ...w, to: node } };
  const { node: _old, ...rest } = w;
  return { ...t, when: rng.chance(0.3) ? rest : { ...rest, node } } as Trigger;
}

/** One small step that keeps the configuration, the swarm and the triggers' kinds: another seed, or one fault or trigger moved, dropped or added. */
function nudge<C>(c: Case<C>, fresh: Case<C>, rng: Rng, limits: MutationLimits): Case<C> {
  const f = c.faults;
  const t = c.triggers;
  switch (rng.int(0, 5)) {
    case 5:
      if (t.length > 0 && fresh.triggers.length > 0) {
        const i = rng.int(0, t.length - 1);
        return { ...c, triggers: t.map((x, j) => (j === i ? rng.pick(fresh.triggers) : x)) };
      }
      if (fresh.triggers.length > 0 && t.length < limits.maxTriggers) return { ...c, triggers: [...t, rng.pick(fresh.triggers)] };
      break;
    case 1:
      if (f.length > 0) {
        const i = rng.int(0, f.length - 1);
        const g = f[i] as TimedFault;
        return { ...c, faults: f.map((x, j) => (j === i ? { ...g, at: Math.min(limits.windowMs - 1, Math.max(0, g.at + rng.int(-200, 200))) } : x)) };
      }
      break;
    case 2:
      if (t.length > 0) {
        const i = rng.int(0, t.length - 1);
        const x = t[i] as Trigger;
        return { ...c, triggers: t.map((y, j) => (j === i ? { ...x, at: Math.min(limits.windowMs - 1, Math.max(0, x.at + rng.int(-300, 300))) } : y)) };
      }
      break;
    case 3:
      if (f.length > 0) return { ...c, faults: without(f, rng.int(0, f.length - 1)) };
      break;
    case 4:
      if (fresh.faults.length > 0 && f.length < limits.maxFaults) return { ...c, faults: [...f, rng.pick(fresh.faults)] };
      break;
  }
  return { ...c, seed: fresh.seed };
}

/**
 * A mutation of `c`: half the time one small step ({@link nudge}), else one to three havoc
 * mutations. `fresh` is a freshly drawn case (material for new faults, triggers and
 * configurations); `other` a second corpus case to splice with.
 */
export function mutateCase<C>(c: Case<C>, fresh: Case<C>, other: Case<C>, rng: Rng, limits: MutationLimits): Case<C> {
  if (rng.chance(0.5)) return nudge(c, fresh, rng, limits);
  let out: Case<C> = c;
  const times = rng.int(1, 3);
  for (let k = 0; k < times; k++) {
    const f = out.faults;
    const t = out.triggers;
    switch (rng.int(0, 9)) {
      case 0:
        if (f.length > 0) out = { ...out, faults: without(f, rng.int(0, f.length - 1)) };
        break;
      case 1:
        if (fresh.faults.length > 0 && f.length < limits.maxFaults) out = { ...out, faults: [...f, rng.pick(fresh.faults)] };
        break;
      case 2:
        if (f.length > 0) {
          const i = rng.int(0, f.length - 1);
          const g = f[i] as TimedFault;
          const at = Math.min(limits.windowMs - 1, Math.max(0, g.at + rng.int(-300, 300)));
          out = { ...out, faults: f.map((x, j) => (j === i ? { ...g, at } : x)) };
        }
        break;
      case 3:
        if (t.length > 0) {
          const i = rng.int(0, t.length - 1);
          out = { ...out, triggers: t.map((x, j) => (j === i ? (rng.chance(0.5) || fresh.triggers.length === 0 ? tweak(x, rng, limits.windowMs) : rng.pick(fresh.triggers)) : x)) };
        }
        break;
      case 4:
        if (fresh.triggers.length > 0 && t.length < limits.maxTriggers) out = { ...out, triggers: [...t, rng.pick(fresh.triggers)] };
        else if (t.length > 0) out = { ...out, triggers: without(t, rng.int(0, t.length - 1)) };
        break;
      case 5: {
        const cut = rng.int(0, Math.min(f.length, limits.maxFaults));
        const rest = other.faults.slice(cut, cut + limits.maxFaults - cut);
        // Triggers splice too: a prefix of this case's, a suffix of the other's.
        const at = rng.int(0, t.length);
        const triggers = [...t.slice(0, at), ...other.triggers.slice(Math.min(at, other.triggers.length))].slice(0, limits.maxTriggers);
        out = { ...out, faults: [...f.slice(0, cut), ...rest].slice(0, limits.maxFaults), triggers };
        break;
      }
      case 6:
        out = { ...out, config: fresh.config };
        break;
      case 7:
        out = { ...out, seed: fresh.seed };
        break;
      case 8: {
        const kind = rng.pick(FAULT_KINDS);
        out = { ...out, swarm: { ...out.swarm, kinds: { ...out.swarm.kinds, [kind]: !out.swarm.kinds[kind] } } };
        break;
      }
      default:
        out = { ...out, swarm: fresh.swarm };
    }
  }
  return out;
}
