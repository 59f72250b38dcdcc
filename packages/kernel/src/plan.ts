/**
 * A seeded generator of random fault plans. Every plan it makes ends calm: by `durationMs` every
 * partition is healed, every crashed node restarted, every paused node resumed and the network
 * back to its baseline, so a run can check that the protocol recovers once faults stop.
 */
import type { FaultAction, FaultPlan, LinkConfig } from "./config.js";
import { ConfigError } from "./errors.js";
import type { NodeId } from "./protocol.js";
import { createRng, type Rng } from "./rng.js";
import type { TriggerValue } from "./triggers.js";
import { describeValue, isNonEmptyString, isObject, requirePositiveNumber, requireRate } from "./validate.js";

/** The kinds of fault a generated plan may contain. */
export type FaultKind = "crash" | "partition" | "block" | "pause" | "clock" | "network";

/** What {@link generatePlan} may do. */
export interface PlanOptions {
  /** The nodes that faults may hit. */
  readonly nodes: readonly NodeId[];
  /** Faults start in [0, durationMs); everything is calm again at durationMs. */
  readonly durationMs: number;
  /** Most fault actions before the calm-down (default 8). */
  readonly maxActions?: number;
  /** Which faults to use (default all). */
  readonly kinds?: readonly FaultKind[];
  /** Most nodes down at once (default: a minority of `nodes`). */
  readonly maxDown?: number;
  /** The network the plan returns to at the end (default: no drops, duplicates or reordering). */
  readonly baseline?: Partial<LinkConfig>;
  /** Mix triggered faults in with the timed ones (default: timed faults only). */
  readonly triggered?: TriggeredFaultOptions;
}

/**
 * Triggered faults a generated plan may contain: crashes right after a persist (or between the
 * write and the sends), dropped, duplicated or held messages, and crashes, isolations or pauses of
 * the node that just reached a state. Each is armed at a random time and disarmed at `durationMs`.
 */
export interface TriggeredFaultOptions {
  /** Share of faults drawn as triggers rather than timed actions, in [0, 1] (default 0.5). */
  readonly share?: number;
  /** Message types send triggers may wait for (default: any message). */
  readonly messageTypes?: readonly string[];
  /** Record types persist triggers may wait for (default: any record). */
  readonly recordTypes?: readonly string[];
  /** State conditions state triggers may wait for, e.g. `[{ path: "role", equals: "leader" }]` (default: none). */
  readonly states?: readonly { readonly path: string; readonly equals: TriggerValue }[];
}

/** Every kind of fault a generated plan may contain. */
export const FAULT_KINDS: readonly FaultKind[] = ["crash", "partition", "block", "pause", "clock", "network"];

/**
 * The ranges generated faults draw from, shared by {@link generatePlan} and the fast-check plan
 * arbitraries (both bounds inclusive). Rates are in percent, drift in thousandths.
 */
export const PLAN_RANGES = {
  /** A clock jump, in ms ahead of (or, negative, behind) virtual time. */
  clockOffsetMs: { min: -500, max: 500 },
  /** A clock's drift in thousandths (-50 = 5 % slow). */
  clockDriftPerMille: { min: -50, max: 50 },
  /** A degraded network's loss rate, in percent. */
  dropPercent: { min: 0, max: 30 },
  /** A degraded network's duplication rate, in percent. */
  duplicatePercent: { min: 0, max: 20 },
  /** A degraded network's reordering rate, in percent. */
  reorderPercent: { min: 0, max: 30 },
  /** How long a triggered hold delays a message, in ms (6.5840's long reordering). */
  holdMs: { min: 200, max: 2_200 },
  /** How many steps after a triggered crash the node restarts. */
  restartAfterSteps: { min: 1, max: 50 },
  /** How long a triggered isolation or pause lasts, in ms. */
  outageMs: { min: 50, max: 1_000 },
} as const;

/**
 * Checks plan options up front (the fields of {@link PlanOptions}); throws {@link ConfigError}
 * naming the field. Used by {@link generatePlan} and the fast-check plan arbitraries.
 */
export function checkPlanOptions(options: PlanOptions): void {
  if (!isObject(options)) throw new ConfigError("options", `expected plan options { nodes, durationMs, ... }, got ${describeValue(options)}`);
  if (!Array.isArray(options.nodes) || options.nodes.length === 0) throw new ConfigError("nodes", "a plan needs at least one node to fault");
  options.nodes.forEach((n, i) => {
    if (!isNonEmptyString(n)) throw new ConfigError(`nodes[${i}]`, `expected a node id, got ${describeValue(n)}`);
  });
  requirePositiveNumber("durationMs", options.durationMs, "number of ms");
  if (options.maxActions !== undefined && !(Number.isInteger(options.maxActions) && options.maxActions >= 0)) {
    throw new ConfigError("maxActions", `expected a whole number ≥ 0, got ${describeValue(options.maxActions)}`);
  }
  if (options.maxDown !== undefined && !(Number.isInteger(options.maxDown) && options.maxDown >= 0)) {
    throw new ConfigError("maxDown", `expected a whole number ≥ 0, got ${describeValue(options.maxDown)}`);
  }
  if (options.kinds !== undefined) {
    if (!Array.isArray(options.kinds)) throw new ConfigError("kinds", `expected an array of fault kinds (${FAULT_KINDS.join(", ")})`);
    options.kinds.forEach((k, i) => {
      if (!FAULT_KINDS.includes(k)) throw new ConfigError(`kinds[${i}]`, `unknown fault kind ${describeValue(k)} (kinds: ${FAULT_KINDS.join(", ")})`);
    });
  }
  if (options.baseline !== undefined && !isObject(options.baseline)) throw new ConfigError("baseline", `expected link settings, got ${describeValue(options.baseline)}`);
  if (options.triggered !== undefined) checkTriggeredOptions(options.triggered);
}

function checkTriggeredOptions(t: TriggeredFaultOptions): void {
  if (!isObject(t)) throw new ConfigError("triggered", `expected { share?, messageTypes?, recordTypes?, states? }, got ${describeValue(t)}`);
  if (t.share !== undefined) requireRate("triggered.share", t.share);
  for (const key of ["messageTypes", "recordTypes"] as const) {
    const list = t[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ConfigError(`triggered.${key}`, "expected an array of type names");
    list.forEach((v, i) => {
      if (!isNonEmptyString(v)) throw new ConfigError(`triggered.${key}[${i}]`, `expected a non-empty string, got ${describeValue(v)}`);
    });
  }
  if (t.states !== undefined) {
    if (!Array.isArray(t.states)) throw new ConfigError("triggered.states", "expected an array of { path, equals }");
    t.states.forEach((c, i) => {
      if (!isObject(c) || !isNonEmptyString(c.path)) throw new ConfigError(`triggered.states[${i}].path`, `expected a dot-separated field path, got ${describeValue(isObject(c) ? c.path : c)}`);
      const v = c.equals;
      if (v !== null && typeof v !== "string" && typeof v !== "boolean" && !(typeof v === "number" && Number.isFinite(v))) throw new ConfigError(`triggered.states[${i}].equals`, `expected a string, finite number, boolean or null, got ${describeValue(v)}`);
    });
  }
}

/** One random triggered fault armed at `at` and disarmed at `until`. */
function drawTrigger(rng: Rng, at: number, until: number, nodes: readonly NodeId[], t: TriggeredFaultOptions): FaultAction {
  const ons: ("persist" | "send" | "state")[] = ["persist", "send"];
  if (t.states !== undefined && t.states.length > 0) ons.push("state");
  const on = rng.pick(ons);
  const node = rng.pick(nodes);
  const restartAfterSteps = rng.int(PLAN_RANGES.restartAfterSteps.min, PLAN_RANGES.restartAfterSteps.max);
  if (on === "persist") {
    const recordType = t.recordTypes !== undefined && t.recordTypes.length > 0 && rng.chance(0.5) ? rng.pick(t.recordTypes) : undefined;
    const then = rng.pick(["crash", "crash-before-send"] as const);
    return { at, type: "trigger", when: { on, node, ...(recordType !== undefined ? { recordType } : {}) }, then: { do: then, restartAfterSteps }, untilMs: until };
  }
  if (on === "send") {
    const to = rng.pick(nodes);
    const msgType = t.messageTypes !== undefined && t.messageTypes.length > 0 && rng.chance(0.5) ? rng.pick(t.messageTypes) : undefined;
    const then = rng.pick(["drop", "duplicate", "hold"] as const);
    const response = then === "hold" ? { do: then, forMs: rng.int(PLAN_RANGES.holdMs.min, PLAN_RANGES.holdMs.max) } : { do: then };
    return { at, type: "trigger", when: { on, from: node, to, ...(msgType !== undefined ? { msgType } : {}) }, then: response, untilMs: until };
  }
  const state = rng.pick(t.states ?? []);
  const then = rng.pick(["crash", "isolate", "pause"] as const);
  const response = then === "crash" ? { do: then, restartAfterSteps } : { do: then, forMs: rng.int(PLAN_RANGES.outageMs.min, PLAN_RANGES.outageMs.max) };
  return { at, type: "trigger", when: { on, path: state.path, equals: state.equals }, then: response, untilMs: until };
}

/** Makes a random plan from `seed` (or a stream). The same seed and options give the same plan. */
export function generatePlan(seed: string | number | Rng, options: PlanOptions): FaultPlan {
  const rng = typeof seed === "object" ? seed : createRng(String(seed), "faults");
  checkPlanOptions(options);
  const { nodes, durationMs } = options;
  const kinds = options.kinds ?? FAULT_KINDS;
  if (kinds.length === 0) return [];
  const maxDown = options.maxDown ?? Math.max(0, Math.floor((nodes.length - 1) / 2));
  const count = rng.int(0, options.maxActions ?? 8);
  const times = Array.from({ length: count }, () => rng.int(0, durationMs - 1)).sort((a, b) => a - b);
  const down = new Set<NodeId>();
  const paused = new Set<NodeId>();
  const plan: FaultAction[] = [];
  const triggered = options.triggered;
  for (const at of times) {
    if (triggered !== undefined && rng.chance(triggered.share ?? 0.5)) {
      plan.push(drawTrigger(rng, at, durationMs, nodes, triggered));
      continue;
    }
    const kind = rng.pick(kinds);
    const node = rng.pick(nodes);
    switch (kind) {
      case "crash":
        if (down.has(node)) {
          plan.push({ at, type: "restart", node });
          down.delete(node);
        } else if (down.size < maxDown) {
          plan.push({ at, type: "crash", node });
          down.add(node);
          paused.delete(node);
        }
        break;
      case "partition": {
        if (rng.chance(0.3)) {
          plan.push({ at, type: "heal" });
          break;
        }
        const shuffled = shuffle(rng, nodes);
        const cut = rng.int(1, Math.max(1, nodes.length - 1));
        plan.push({ at, type: "partition", groups: [shuffled.slice(0, cut), shuffled.slice(cut)] });
        break;
      }
      case "block": {
        const other = rng.pick(nodes);
        if (other !== node) plan.push({ at, type: "block", from: node, to: other });
        break;
      }
      case "pause":
        if (paused.has(node)) {
          plan.push({ at, type: "resume", node });
          paused.delete(node);
        } else if (!down.has(node)) {
          plan.push({ at, type: "pause", node });
          paused.add(node);
        }
        break;
      case "clock":
        plan.push({ at, type: "clock", node, offsetMs: rng.int(PLAN_RANGES.clockOffsetMs.min, PLAN_RANGES.clockOffsetMs.max), drift: rng.int(PLAN_RANGES.clockDriftPerMille.min, PLAN_RANGES.clockDriftPerMille.max) / 1000 });
        break;
      case "network":
        plan.push({
          at,
          type: "network",
          dropRate: rng.int(PLAN_RANGES.dropPercent.min, PLAN_RANGES.dropPercent.max) / 100,
          duplicateRate: rng.int(PLAN_RANGES.duplicatePercent.min, PLAN_RANGES.duplicatePercent.max) / 100,
          reorderRate: rng.int(PLAN_RANGES.reorderPercent.min, PLAN_RANGES.reorderPercent.max) / 100,
        });
        break;
    }
  }
  // End calm, touching only what this plan disturbed, so the plan stays short to read.
  return [
    ...plan,
    { at: durationMs, type: "heal" },
    { at: durationMs, type: "network", dropRate: 0, duplicateRate: 0, reorderRate: 0, ...options.baseline },
    ...[...paused].map((node): FaultAction => ({ at: durationMs, type: "resume", node })),
    ...[...down].map((node): FaultAction => ({ at: durationMs, type: "restart", node })),
  ];
}

/** Actions that make any plan end calm at `at`: heal, baseline network, resume and restart every node. */
export function calmDown(at: number, nodes: readonly NodeId[], baseline: Partial<LinkConfig> = {}): FaultAction[] {
  return [
    { at, type: "heal" },
    { at, type: "network", dropRate: 0, duplicateRate: 0, reorderRate: 0, ...baseline },
    ...nodes.map((node): FaultAction => ({ at, type: "resume", node })),
    ...nodes.map((node): FaultAction => ({ at, type: "restart", node })),
  ];
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
