/**
 * A search case: the system's configuration, the seed, the swarm (which fault kinds exist in this
 * run at all and the network's rates), timed faults and faults triggered by protocol events. All
 * plain JSON. Nodes are named by index (taken modulo the cluster size), so the configuration and
 * the plan shrink independently: fewer nodes still leaves a valid plan.
 */
import fc from "fast-check";
import type { FaultAction, FaultPlan, NodeId } from "@faultline/kernel";
import { broadcastTypes, replyTypes } from "./broadcasts.js";
import { SearchError, type SystemSpace } from "./space.js";
import { triggerActions, triggerArbitrary, validateTrigger, type Trigger } from "./triggers.js";

/** The timed fault kinds a swarm switches on or off. */
export const FAULT_KINDS = ["crash", "partition", "block", "pause", "clock", "network"] as const;
/** One timed fault kind. */
export type TimedKind = (typeof FAULT_KINDS)[number];

/** One timed fault with its end (an outage is a unit: shrinking drops it whole or shortens it). */
export type TimedFault =
  | { readonly kind: "crash" | "pause"; readonly at: number; readonly forMs: number; readonly node: number }
  | { readonly kind: "partition"; readonly at: number; readonly forMs: number; readonly mask: number }
  | { readonly kind: "block"; readonly at: number; readonly forMs: number; readonly from: number; readonly to: number }
  | { readonly kind: "clock"; readonly at: number; readonly node: number; readonly offsetMs: number; readonly driftPpm: number }
  | { readonly kind: "network"; readonly at: number; readonly forMs: number; readonly drop: number; readonly dup: number; readonly reorder: number };

/** Swarm: which timed fault kinds this run has at all, and the network's base rates in percent. */
export interface Swarm {
  readonly kinds: Readonly<Record<TimedKind, boolean>>;
  readonly drop: number;
  readonly dup: number;
  readonly reorder: number;
  /** A crash loses records persisted since the last send (a node that syncs lazily). */
  readonly loseUnsynced: boolean;
}

/** One case of a sweep. */
export interface Case<Config = unknown> {
  readonly config: Config;
  readonly seed: number;
  readonly swarm: Swarm;
  readonly faults: readonly TimedFault[];
  readonly triggers: readonly Trigger[];
}

/** How a sweep draws cases. */
export type SearchMode = "plain" | "swarm" | "triggers" | "guided";

const MAX_NODE_INDEX = 9;
/** Plain mode's fixed swarm: every kind on, a mildly lossy network (the old sweeps' mix). */
export const PLAIN_SWARM: Swarm = { kinds: { crash: true, partition: true, block: true, pause: true, clock: true, network: true }, drop: 5, dup: 5, reorder: 10, loseUnsynced: false };

function timedFault(windowMs: number): fc.Arbitrary<TimedFault> {
  const at = fc.integer({ min: 0, max: windowMs - 1 });
  const forMs = fc.integer({ min: 1, max: windowMs });
  const node = fc.integer({ min: 0, max: MAX_NODE_INDEX });
  return fc.oneof(
    fc.record({ kind: fc.constantFrom("crash" as const, "pause" as const), at, forMs, node }),
    fc.record({ kind: fc.constant("partition" as const), at, forMs, mask: fc.integer({ min: 1, max: 1022 }) }),
    fc.record({ kind: fc.constant("block" as const), at, forMs, from: node, to: node }),
    fc.record({ kind: fc.constant("clock" as const), at, node, offsetMs: fc.integer({ min: -500, max: 500 }), driftPpm: fc.integer({ min: -50_000, max: 50_000 }) }),
    fc.record({ kind: fc.constant("network" as const), at, forMs, drop: fc.integer({ min: 0, max: 30 }), dup: fc.integer({ min: 0, max: 20 }), reorder: fc.integer({ min: 0, max: 30 }) }),
  );
}

const swarmArbitrary: fc.Arbitrary<Swarm> = fc.record({
  kinds: fc.record({ crash: fc.boolean(), partition: fc.boolean(), block: fc.boolean(), pause: fc.boolean(), clock: fc.boolean(), network: fc.boolean() }),
  drop: fc.integer({ min: 0, max: 30 }),
  dup: fc.integer({ min: 0, max: 20 }),
  reorder: fc.integer({ min: 0, max: 30 }),
  loseUnsynced: fc.boolean(),
});

/** Options of {@link caseArbitrary}. */
export interface CaseArbitraryOptions {
  /** Most timed faults (default 8). */
  readonly maxFaults?: number;
  /** Most triggers (default 3). */
  readonly maxTriggers?: number;
}

/**
 * Cases of `space` for `mode`: plain fixes the configuration and fault mix; swarm draws both;
 * triggers (and guided) adds event-triggered faults. Shrinks towards the smallest configuration,
 * fewer and shorter faults, the swarm's kinds off.
 */
export function caseArbitrary<Config>(space: SystemSpace<Config>, mode: SearchMode, options: CaseArbitraryOptions = {}): fc.Arbitrary<Case<Config>> {
  const faults = fc.array(timedFault(space.faultWindowMs), { maxLength: options.maxFaults ?? 8 });
  const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
  // Key order is shrink order: fast-check cuts faults and triggers first, then the swarm, the configuration, the seed.
  if (mode === "plain") return fc.record({ faults, triggers: fc.constant([] as Trigger[]), swarm: fc.constant(PLAIN_SWARM), config: fc.constant(space.defaultConfig), seed });
  if (mode === "swarm") return fc.record({ faults, triggers: fc.constant([] as Trigger[]), swarm: swarmArbitrary, config: space.config, seed });
  // The broadcasts a calm run shows (learned once per space) get their crash in the middle, its answers a crash right after.
  const broadcasts = broadcastTypes(space);
  const vocabulary = { messageTypes: space.messageTypes, recordTypes: space.recordTypes, states: space.states, ...(broadcasts === undefined ? {} : { broadcastTypes: broadcasts }), replyTypes: replyTypes(space) };
  const triggers = fc.array(triggerArbitrary(vocabulary, space.faultWindowMs), { maxLength: options.maxTriggers ?? 3 });
  return fc.record({ faults, triggers, swarm: swarmArbitrary, config: space.config, seed });
}

function nodeAt(ids: readonly NodeId[], i: number): NodeId {
  return ids[i % ids.length] as NodeId;
}

/** The faults of `c` as a kernel plan for `ids`, ending calm at `windowMs` (swarm-off kinds left out; triggers as the kernel's `trigger` and `clog` actions). */
export function planOf(c: Case, ids: readonly NodeId[], windowMs: number, maxDown: number): FaultPlan {
  const out: FaultAction[] = [];
  const end = (at: number, forMs: number) => Math.min(at + forMs, windowMs);
  for (const f of c.faults) {
    if (!c.swarm.kinds[f.kind]) continue;
    switch (f.kind) {
      case "crash":
      case "pause": {
        const node = nodeAt(ids, f.node);
        out.push({ at: f.at, type: f.kind, node }, { at: end(f.at, f.forMs), type: f.kind === "crash" ? "restart" : "resume", node });
        break;
      }
      case "partition": {
        const cut = ids.filter((_, i) => ((f.mask >> i) & 1) === 1);
        if (cut.length === 0 || cut.length === ids.length) break;
        out.push({ at: f.at, type: "partition", groups: [cut, ids.filter((id) => !cut.includes(id))] }, { at: end(f.at, f.forMs), type: "heal" });
        break;
      }
      case "block": {
        const from = nodeAt(ids, f.from);
        const to = nodeAt(ids, f.to);
        if (from !== to) out.push({ at: f.at, type: "block", from, to }, { at: end(f.at, f.forMs), type: "heal" });
        break;
      }
      case "clock":
        out.push({ at: f.at, type: "clock", node: nodeAt(ids, f.node), offsetMs: f.offsetMs, drift: f.driftPpm / 1_000_000 });
        break;
      case "network":
        out.push({ at: f.at, type: "network", dropRate: f.drop / 100, duplicateRate: f.dup / 100, reorderRate: f.reorder / 100 }, { at: end(f.at, f.forMs), type: "network", ...swarmRates(c.swarm) });
        break;
    }
  }
  // Stable sort by time; then keep at most maxDown nodes crashed at once.
  out.push(...triggerActions(c.triggers, ids, windowMs));
  const sorted = out.map((a, i) => [a, i] as const).sort((x, y) => x[0].at - y[0].at || x[1] - y[1]).map(([a]) => a);
  const down = new Set<NodeId>();
  const plan = sorted.filter((a) => {
    if (a.type === "crash") {
      if (down.has(a.node) || down.size >= maxDown) return false;
      down.add(a.node);
    } else if (a.type === "restart") {
      if (!down.has(a.node)) return false;
      down.delete(a.node);
    }
    return true;
  });
  const calm: FaultAction[] = [
    { at: windowMs, type: "heal" },
    { at: windowMs, type: "network", dropRate: 0, duplicateRate: 0, reorderRate: 0 },
    ...ids.map((node): FaultAction => ({ at: windowMs, type: "resume", node })),
    ...ids.map((node): FaultAction => ({ at: windowMs, type: "restart", node })),
  ];
  return [...plan, ...calm];
}

/** The swarm's base network rates as link fields. */
export function swarmRates(s: Swarm): { dropRate: number; duplicateRate: number; reorderRate: number } {
  return { dropRate: s.drop / 100, duplicateRate: s.dup / 100, reorderRate: s.reorder / 100 };
}

/** How many fault actions a case holds (timed faults that are on, plus triggers): what "plan size" counts. */
export function caseSize(c: Case): number {
  return c.faults.filter((f) => c.swarm.kinds[f.kind]).length + c.triggers.length;
}

function int(field: string, v: unknown, min: number, max: number): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new SearchError(field, `expected a whole number in [${min}, ${max}], got ${JSON.stringify(v)}`);
}

/** Checks a case's shape (its faults, triggers and swarm); throws a {@link SearchError} naming the field. */
export function validateCase(c: Case): void {
  if (typeof c !== "object" || c === null) throw new SearchError("case", "expected an object");
  int("case.seed", c.seed, 0, 2 ** 31 - 1);
  if (typeof c.swarm !== "object" || c.swarm === null || typeof c.swarm.kinds !== "object") throw new SearchError("case.swarm", "expected { kinds, drop, dup, reorder, loseUnsynced }");
  for (const k of ["drop", "dup", "reorder"] as const) int(`case.swarm.${k}`, c.swarm[k], 0, 100);
  if (!Array.isArray(c.faults)) throw new SearchError("case.faults", "expected an array");
  c.faults.forEach((f, i) => {
    if (!(FAULT_KINDS as readonly string[]).includes(f?.kind)) throw new SearchError(`case.faults[${i}].kind`, `unknown fault kind ${JSON.stringify(f?.kind)} (known: ${FAULT_KINDS.join(", ")})`);
    int(`case.faults[${i}].at`, f.at, 0, 1e9);
  });
  if (!Array.isArray(c.triggers)) throw new SearchError("case.triggers", "expected an array");
  c.triggers.forEach((t, i) => validateTrigger(t, `case.triggers[${i}]`));
}
