/**
 * The data half of a run: everything that, with the protocols' code, decides a run. All of it is
 * plain JSON, so a report can carry it and a replay can rebuild the run from it.
 */
import { MAX_NODES } from "./events.js";
import { ConfigError } from "./errors.js";
import { describeValue, isFiniteNumber, isObject } from "./validate.js";
import type { ClientId, NodeId } from "./protocol.js";
import { checkTrigger, type TriggerAction } from "./triggers.js";

/** Behaviour of one directed link. Latencies are whole virtual milliseconds. */
export interface LinkConfig {
  /** Smallest one-way latency. */
  readonly minLatencyMs: number;
  /** Largest one-way latency (before any reordering delay). */
  readonly maxLatencyMs: number;
  /** Probability that a message is lost. */
  readonly dropRate: number;
  /** Probability that a message is delivered twice. */
  readonly duplicateRate: number;
  /**
   * Probability that a message escapes the link's FIFO order: links deliver in send order
   * unless a message is picked for reordering, which then takes an extra random delay.
   */
  readonly reorderRate: number;
  /**
   * Probability that a message is held much longer than its latency, escaping FIFO order (MIT
   * 6.5840's "long reordering"): it arrives after a further delay drawn from
   * [`longReorderMinMs`, `longReorderMaxMs`] (default 200–2,200 ms). Default 0.
   */
  readonly longReorderRate?: number;
  readonly longReorderMinMs?: number;
  readonly longReorderMaxMs?: number;
}

/** Rates that may differ for one message type (see {@link NetworkConfig.messageTypes}). */
export type MessageTypeRates = Partial<Pick<LinkConfig, "dropRate" | "duplicateRate" | "reorderRate" | "longReorderRate">>;

/** A per-link override of the network defaults. */
export interface LinkOverride extends Partial<LinkConfig> {
  readonly from: NodeId;
  readonly to: NodeId;
}

/** The network: defaults for every link plus per-link overrides. */
export interface NetworkConfig extends LinkConfig {
  /**
   * Rates by message type (a message's `type` field), overriding the link's: e.g. requests and
   * replies of one protocol lost at different rates, `{ AppendEntries: { dropRate: 0.2 } }`.
   */
  readonly messageTypes?: Readonly<Record<string, MessageTypeRates>>;
  /**
   * What becomes of a message sent to a node that crashed and restarted before it arrived:
   * "deliver" (default, the behaviour so far: the new incarnation gets it, like UDP) or "drop"
   * (like a TCP connection reset by the crash). A message arriving while the node is down is
   * always dropped.
   */
  readonly acrossRestarts?: "deliver" | "drop";
  readonly links?: readonly LinkOverride[];
}

/** A node's clock: `offsetMs` ahead of virtual time at start, running `1 + drift` times as fast. */
export interface ClockConfig {
  readonly offsetMs?: number;
  readonly drift?: number;
}

/** Storage faults. */
export interface StorageConfig {
  /**
   * When true, a crash loses the records a node persisted since its last sync point. A node syncs
   * right before any send or reply leaves it (the contract's persist-before-send rule) and on
   * compaction; records persisted in a step that sends nothing stay unsynced until then.
   */
  readonly loseUnsyncedOnCrash?: boolean;
}

/** A timed fault action, at virtual time `at` (ms). Plans are lists of these. */
export type FaultAction =
  /** Blocks both directions between every pair of nodes in different groups. */
  | { readonly at: number; readonly type: "partition"; readonly groups: readonly (readonly NodeId[])[] }
  /** Blocks one direction only: `from` can no longer reach `to`. */
  | { readonly at: number; readonly type: "block"; readonly from: NodeId; readonly to: NodeId }
  /** Cuts `node` off from every other node, both ways. */
  | { readonly at: number; readonly type: "isolate"; readonly node: NodeId }
  /** Removes every partition and block. */
  | { readonly at: number; readonly type: "heal" }
  /** Stops `node`: volatile state and timers are lost, persisted records kept. */
  | { readonly at: number; readonly type: "crash"; readonly node: NodeId }
  /** Boots a crashed `node` again from its persisted records (no-op when it is up). */
  | { readonly at: number; readonly type: "restart"; readonly node: NodeId }
  /** Freezes `node`: its inputs wait, in order, until it resumes. */
  | { readonly at: number; readonly type: "pause"; readonly node: NodeId }
  /** Unfreezes `node` and delivers what waited. */
  | { readonly at: number; readonly type: "resume"; readonly node: NodeId }
  /** Sets `node`'s clock to `offsetMs` ahead of virtual time (a jump) and/or its `drift`. */
  | { readonly at: number; readonly type: "clock"; readonly node: NodeId; readonly offsetMs?: number; readonly drift?: number }
  /** Changes link behaviour: of link from→to when both are given, else the defaults. */
  | ({ readonly at: number; readonly type: "network"; readonly from?: NodeId; readonly to?: NodeId } & Partial<LinkConfig>)
  /** Clogs link from→to for `forMs`: every message on it is held, then released in order (turmoil's hold/release). */
  | { readonly at: number; readonly type: "clog"; readonly from: NodeId; readonly to: NodeId; readonly forMs: number }
  /** A fault triggered by a protocol event (see {@link TriggerAction}). */
  | TriggerAction;

/** A fault plan: timed actions, applied in time order (ties in list order). */
export type FaultPlan = readonly FaultAction[];

/** One client request of a workload: at time `at`, `client` asks `node` for `req`. */
export interface WorkloadOp<Req = unknown> {
  readonly at: number;
  readonly client: ClientId;
  readonly node: NodeId;
  readonly req: Req;
}

/** A workload: client requests, applied in time order (ties in list order). */
export type Workload<Req = unknown> = readonly WorkloadOp<Req>[];

/** The data half of a run, as a report carries it. */
export interface RunConfig {
  /** The seed that decides every random choice. */
  readonly seed: string;
  readonly network: NetworkConfig;
  readonly clocks: Readonly<Record<NodeId, ClockConfig>>;
  readonly storage: StorageConfig;
  readonly plan: FaultPlan;
  readonly workload: Workload;
  /** The run stops before the first event later than this. */
  readonly maxTimeMs: number;
  /** The run stops after this many events. */
  readonly maxEvents: number;
}

/** Network defaults: a reliable FIFO network with 1–10 ms latency. */
export const DEFAULT_NETWORK: NetworkConfig = {
  minLatencyMs: 1,
  maxLatencyMs: 10,
  dropRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
};

/** Run defaults, used for every field a caller leaves out. */
export const DEFAULT_RUN = { maxTimeMs: 60_000, maxEvents: 10_000_000 } as const;

const RATES = ["dropRate", "duplicateRate", "reorderRate", "longReorderRate"] as const;

function checkTime(field: string, v: unknown): void {
  if (!isFiniteNumber(v)) throw new ConfigError(field, `expected a finite number of ms, got ${describeValue(v)}`);
  if (v < 0) throw new ConfigError(field, `time must not be negative, got ${v}`);
}

function checkNode(field: string, v: unknown, known: ReadonlySet<NodeId>): void {
  if (typeof v !== "string" || !known.has(v)) {
    throw new ConfigError(field, `unknown node ${describeValue(v)} (nodes: ${[...known].join(", ")})`);
  }
}

/** Checks the link fields present in `link`; `field` prefixes error paths. */
function checkLink(field: string, link: Partial<LinkConfig>): void {
  for (const key of ["minLatencyMs", "maxLatencyMs", "longReorderMinMs", "longReorderMaxMs"] as const) {
    const v = link[key];
    if (v === undefined) continue;
    if (!isFiniteNumber(v)) throw new ConfigError(`${field}.${key}`, `expected a finite delay in ms, got ${describeValue(v)}`);
    if (v < 0) throw new ConfigError(`${field}.${key}`, `delay must not be negative, got ${v}`);
  }
  if (link.minLatencyMs !== undefined && link.maxLatencyMs !== undefined && link.minLatencyMs > link.maxLatencyMs) {
    throw new ConfigError(`${field}.minLatencyMs`, `${link.minLatencyMs} exceeds maxLatencyMs ${link.maxLatencyMs}`);
  }
  if (link.longReorderMinMs !== undefined && link.longReorderMaxMs !== undefined && link.longReorderMinMs > link.longReorderMaxMs) {
    throw new ConfigError(`${field}.longReorderMinMs`, `${link.longReorderMinMs} exceeds longReorderMaxMs ${link.longReorderMaxMs}`);
  }
  checkRates(field, link);
}

function checkRates(field: string, rates: Partial<Record<(typeof RATES)[number], unknown>>): void {
  for (const key of RATES) {
    const v = rates[key];
    if (v === undefined) continue;
    if (!isFiniteNumber(v) || v < 0 || v > 1) throw new ConfigError(`${field}.${key}`, `a rate must be in [0, 1], got ${describeValue(v)}`);
  }
}

/** Checks the network-wide settings: per-type rates and what a restart does to messages in flight. */
function checkNetworkWide(network: NetworkConfig): void {
  const types = network.messageTypes;
  if (types !== undefined) {
    if (!isObject(types)) throw new ConfigError("network.messageTypes", `expected rates by message type, got ${describeValue(types)}`);
    for (const [type, rates] of Object.entries(types)) {
      if (!isObject(rates)) throw new ConfigError(`network.messageTypes.${type}`, `expected { dropRate?, duplicateRate?, reorderRate?, longReorderRate? }, got ${describeValue(rates)}`);
      for (const key of Object.keys(rates)) if (!(RATES as readonly string[]).includes(key)) throw new ConfigError(`network.messageTypes.${type}.${key}`, `not a per-type rate (rates: ${RATES.join(", ")})`);
      checkRates(`network.messageTypes.${type}`, rates);
    }
  }
  const across = network.acrossRestarts;
  if (across !== undefined && across !== "deliver" && across !== "drop") throw new ConfigError("network.acrossRestarts", `expected "deliver" or "drop", got ${describeValue(across)}`);
}

/** Checks node ids: non-empty strings, no duplicates. Returns them as a set. */
export function checkNodeIds(ids: readonly unknown[]): Set<NodeId> {
  const seen = new Set<NodeId>();
  if (ids.length === 0) throw new ConfigError("nodes", "a cluster needs at least one node");
  if (ids.length > MAX_NODES) throw new ConfigError("nodes", `at most ${MAX_NODES} nodes, got ${ids.length}`);
  ids.forEach((id, i) => {
    if (typeof id !== "string" || id.length === 0) throw new ConfigError(`nodes[${i}].id`, `expected a non-empty string, got ${describeValue(id)}`);
    if (seen.has(id)) throw new ConfigError(`nodes[${i}].id`, `duplicate node id ${describeValue(id)}`);
    seen.add(id);
  });
  return seen;
}

/** Checks one fault action against the known nodes. */
export function checkAction(field: string, a: FaultAction, known: ReadonlySet<NodeId>): void {
  if (typeof a !== "object" || a === null || Array.isArray(a)) throw new ConfigError(field, `expected an action object, got ${describeValue(a)}`);
  checkTime(`${field}.at`, a.at);
  switch (a.type) {
    case "partition":
      if (!Array.isArray(a.groups)) throw new ConfigError(`${field}.groups`, "expected an array of node arrays");
      a.groups.forEach((g, i) => {
        if (!Array.isArray(g)) throw new ConfigError(`${field}.groups[${i}]`, "expected an array of nodes");
        g.forEach((n, j) => checkNode(`${field}.groups[${i}][${j}]`, n, known));
      });
      return;
    case "block":
      checkNode(`${field}.from`, a.from, known);
      checkNode(`${field}.to`, a.to, known);
      return;
    case "isolate":
    case "crash":
    case "restart":
    case "pause":
    case "resume":
      checkNode(`${field}.node`, a.node, known);
      return;
    case "heal":
      return;
    case "clock":
      checkNode(`${field}.node`, a.node, known);
      checkClock(field, a);
      return;
    case "clog":
      checkNode(`${field}.from`, a.from, known);
      checkNode(`${field}.to`, a.to, known);
      if (!(typeof a.forMs === "number" && Number.isFinite(a.forMs) && a.forMs > 0)) throw new ConfigError(`${field}.forMs`, `expected a positive number of ms, got ${describeValue(a.forMs)}`);
      return;
    case "trigger":
      return checkTrigger(field, a, (f, id) => checkNode(f, id, known));
    case "network":
      if ((a.from === undefined) !== (a.to === undefined)) throw new ConfigError(`${field}.from`, "give both from and to, or neither");
      if (a.from !== undefined) checkNode(`${field}.from`, a.from, known);
      if (a.to !== undefined) checkNode(`${field}.to`, a.to, known);
      checkLink(field, a);
      return;
    default:
      throw new ConfigError(`${field}.type`, `unknown action type ${describeValue((a as { type: unknown }).type)}`);
  }
}

function checkClock(field: string, c: ClockConfig): void {
  if (c.offsetMs !== undefined && !isFiniteNumber(c.offsetMs)) throw new ConfigError(`${field}.offsetMs`, `expected a finite number, got ${describeValue(c.offsetMs)}`);
  if (c.drift !== undefined && (!isFiniteNumber(c.drift) || c.drift <= -1 || c.drift >= 1)) {
    throw new ConfigError(`${field}.drift`, `drift must be in (-1, 1), got ${describeValue(c.drift)}`);
  }
}

/** Input accepted by {@link resolveRunConfig}: every field but the seed may be left out. */
export interface RunConfigInput {
  readonly seed: string | number;
  readonly network?: Partial<NetworkConfig>;
  readonly clocks?: Readonly<Record<NodeId, ClockConfig>>;
  readonly storage?: StorageConfig;
  readonly plan?: FaultPlan;
  readonly workload?: Workload;
  readonly maxTimeMs?: number;
  readonly maxEvents?: number;
}

/** Fills in defaults and validates a run configuration against the node set; throws {@link ConfigError}. */
export function resolveRunConfig(input: RunConfigInput, known: ReadonlySet<NodeId>): RunConfig {
  if (input.network !== undefined && !isObject(input.network)) throw new ConfigError("network", `expected an object of link settings, got ${describeValue(input.network)}`);
  if (input.storage !== undefined && !isObject(input.storage)) throw new ConfigError("storage", `expected { loseUnsyncedOnCrash? }, got ${describeValue(input.storage)}`);
  if (input.clocks !== undefined && !isObject(input.clocks)) throw new ConfigError("clocks", `expected an object of clocks by node id, got ${describeValue(input.clocks)}`);
  if (typeof input.seed !== "string" && !isFiniteNumber(input.seed)) throw new ConfigError("seed", `expected a string or a number, got ${describeValue(input.seed)}`);
  const network: NetworkConfig = { ...DEFAULT_NETWORK, ...input.network };
  checkLink("network", network);
  checkNetworkWide(network);
  if (network.links !== undefined && !Array.isArray(network.links)) throw new ConfigError("network.links", "expected an array of { from, to, ...link settings }");
  (network.links ?? []).forEach((l, i) => {
    if (!isObject(l)) throw new ConfigError(`network.links[${i}]`, `expected { from, to, ...link settings }, got ${describeValue(l)}`);
    checkNode(`network.links[${i}].from`, l.from, known);
    checkNode(`network.links[${i}].to`, l.to, known);
    checkLink(`network.links[${i}]`, l);
  });
  const clocks = input.clocks ?? {};
  for (const id of Object.keys(clocks)) {
    checkNode(`clocks.${id}`, id, known);
    checkClock(`clocks.${id}`, clocks[id] as ClockConfig);
  }
  const plan = input.plan ?? [];
  if (!Array.isArray(plan)) throw new ConfigError("plan", "expected an array of actions");
  plan.forEach((a, i) => checkAction(`plan[${i}]`, a, known));
  const workload = input.workload ?? [];
  if (!Array.isArray(workload)) throw new ConfigError("workload", "expected an array of requests");
  workload.forEach((op, i) => {
    if (!isObject(op)) throw new ConfigError(`workload[${i}]`, `expected { at, client, node, req }, got ${describeValue(op)}`);
    checkTime(`workload[${i}].at`, op.at);
    checkNode(`workload[${i}].node`, op.node, known);
    if (typeof op.client !== "string" || op.client.length === 0) throw new ConfigError(`workload[${i}].client`, `expected a non-empty string, got ${describeValue(op.client)}`);
  });
  const maxTimeMs = input.maxTimeMs ?? DEFAULT_RUN.maxTimeMs;
  checkTime("maxTimeMs", maxTimeMs);
  const maxEvents = input.maxEvents ?? DEFAULT_RUN.maxEvents;
  if (!Number.isInteger(maxEvents) || maxEvents < 0) throw new ConfigError("maxEvents", `expected a whole number ≥ 0, got ${describeValue(maxEvents)}`);
  return {
    seed: String(input.seed),
    network,
    clocks,
    storage: input.storage ?? {},
    plan,
    workload,
    maxTimeMs,
    maxEvents,
  };
}
