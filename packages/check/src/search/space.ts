/**
 * A system's search space: what a sweep may vary (its configuration, drawn per run as in swarm
 * testing) and how to build a runnable system from one configuration. Protocol packages and
 * users declare one with {@link defineSystem}; the sweep combines it with the fault space.
 */
import fc from "fast-check";
import type { TriggerState } from "./triggers.js";
import { ConfigError, type ClientSpec, type Invariant, type NetworkConfig, type NodeSpec, type SimulationResult, type StorageConfig, type WorldView, type Workload } from "@faultline/kernel";

/** What `build(config)` returns: one runnable system. */
export interface BuiltSystem {
  readonly nodes: readonly NodeSpec[];
  readonly invariants?: readonly Invariant[];
  readonly clients?: readonly ClientSpec[];
  readonly workload?: Workload;
  /** The calm network of this configuration (a case's swarm rates are added on top). */
  readonly network?: Partial<NetworkConfig>;
  /** Storage faults of this configuration; a field set here overrides the case's swarm. */
  readonly storage?: StorageConfig;
  /**
   * A check of the whole run once it ended without an invariant breaking — client histories
   * (linearizability), termination, liveness. Returns what is wrong, or undefined.
   */
  readonly check?: (result: SimulationResult) => string | undefined;
  /**
   * Ends a run early once the faults have stopped and this holds (every client done, say), so a
   * sweep does not simulate idle heartbeats. Asked at most every 50 virtual ms.
   */
  readonly done?: (view: WorldView) => boolean;
}

/** A condition some run should reach at least once (Antithesis-style); a sweep reports those never reached. */
export interface Sometimes {
  readonly name: string;
  readonly condition: (view: WorldView) => boolean;
}

/** Declares a `sometimes` assertion: `condition` should hold in some state of some run. */
export function sometimes(name: string, condition: (view: WorldView) => boolean): Sometimes {
  if (typeof name !== "string" || name.length === 0) throw new ConfigError("sometimes.name", "expected a non-empty name");
  if (typeof condition !== "function") throw new ConfigError(`sometimes(${name}).condition`, "expected a function of the world view");
  return { name, condition };
}

/** What {@link defineSystem} takes. */
export interface SystemSpaceInput<Config> {
  /** Names the system in reports and replay lines. */
  readonly name: string;
  /**
   * The configuration space: cluster size, knobs, workload shape. Build it from `fc.record`,
   * `fc.integer`, `fc.boolean`, `fc.constantFrom` and `fc.array` (no `map`/`chain`), so a case
   * found by the guided mode shrinks too.
   */
  readonly config: fc.Arbitrary<Config>;
  /** The configuration plain-random mode uses (what a sweep without swarm always runs). */
  readonly defaultConfig: Config;
  /** A runnable system for one configuration; throw the kernel's `ConfigError` for an invalid one. */
  readonly build: (config: Config) => BuiltSystem;
  /** Faults start in [0, faultWindowMs); then everything is calm (healed, restarted). Default 3,000. */
  readonly faultWindowMs?: number;
  /** Virtual time each run lasts (default faultWindowMs + 5,000). */
  readonly runMs?: number;
  /**
   * Events one run may process (default {@link DEFAULT_MAX_EVENTS}). A run that spends them all
   * before its time is up fails as "event budget": a message storm or a livelock.
   */
  readonly maxEvents?: number;
  /** An abstraction of the world for coverage (default: {@link defaultAbstraction}). Return plain data. */
  readonly abstraction?: (view: WorldView) => unknown;
  /** Conditions some run should reach. */
  readonly sometimes?: readonly Sometimes[];
  /**
   * @deprecated Give `states` instead (the kernel's state triggers read a field path). When only
   * `role` is given, state triggers wait for `{ path: "role", equals: "leader" }`.
   */
  readonly role?: (state: unknown) => string | undefined;
  /** The `type` field values of the protocol's messages, for send triggers (default: any message). */
  readonly messageTypes?: readonly string[];
  /** The `type` field values of the protocol's persisted records, for persist triggers (default: any record). */
  readonly recordTypes?: readonly string[];
  /**
   * States a node may reach that triggers act on the moment it does, e.g.
   * `[{ path: "role", equals: "leader" }]`: crash, isolate or pause the node that just became leader.
   */
  readonly states?: readonly TriggerState[];
  /** Most nodes crashed at once by timed faults (default: a minority). */
  readonly maxDown?: (nodes: number) => number;
}

/** A validated search space (see {@link defineSystem}). */
export interface SystemSpace<Config = unknown> extends Required<Omit<SystemSpaceInput<Config>, "role" | "maxDown">> {
  /** @deprecated See {@link SystemSpaceInput.role}. */
  readonly role: ((state: unknown) => string | undefined) | undefined;
  readonly maxDown: (nodes: number) => number;
  /** Builds `config`, turning any error into one that names the system and the field. */
  readonly buildChecked: (config: Config) => BuiltSystem;
}

/** An error in a search space, a case or a trigger; `field` names what was wrong. */
export class SearchError extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`invalid ${field}: ${problem}`);
    this.name = "SearchError";
    this.field = field;
  }
}

/** The default event budget of one run: far above what a run of a healthy system of 10 nodes processes. */
export const DEFAULT_MAX_EVENTS = 1_000_000;

function positive(field: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new SearchError(field, `expected a positive whole number of ms, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Validates a search space and fills in its defaults. Its default configuration is built once
 * here, so a space that cannot even build that fails at once, naming the field.
 *
 * @example
 * ```ts
 * const space = defineSystem({
 *   name: "counter",
 *   config: fc.record({ nodes: fc.integer({ min: 1, max: 5 }) }),
 *   defaultConfig: { nodes: 3 },
 *   build: (c) => ({ nodes: ids(c.nodes).map((id) => ({ id, protocol })), invariants }),
 * });
 * ```
 */
export function defineSystem<Config>(input: SystemSpaceInput<Config>): SystemSpace<Config> {
  if (typeof input !== "object" || input === null) throw new SearchError("system", "expected an object");
  if (typeof input.name !== "string" || input.name.length === 0) throw new SearchError("name", "expected a non-empty name");
  if (!(input.config instanceof fc.Arbitrary)) throw new SearchError(`${input.name}.config`, "expected a fast-check arbitrary of configurations");
  if (typeof input.build !== "function") throw new SearchError(`${input.name}.build`, "expected a function config → system");
  const faultWindowMs = positive(`${input.name}.faultWindowMs`, input.faultWindowMs ?? 3_000);
  const runMs = positive(`${input.name}.runMs`, input.runMs ?? faultWindowMs + 5_000);
  if (runMs <= faultWindowMs) throw new SearchError(`${input.name}.runMs`, `must exceed faultWindowMs (${faultWindowMs}), got ${runMs}`);
  const maxEvents = input.maxEvents ?? DEFAULT_MAX_EVENTS;
  if (!Number.isSafeInteger(maxEvents) || maxEvents <= 0) throw new SearchError(`${input.name}.maxEvents`, `expected a positive whole number of events, got ${JSON.stringify(input.maxEvents)}`);
  const seen = new Set<string>();
  for (const [i, s] of (input.sometimes ?? []).entries()) {
    if (typeof s?.condition !== "function") throw new SearchError(`${input.name}.sometimes[${i}]`, "expected sometimes(name, condition)");
    if (seen.has(s.name)) throw new SearchError(`${input.name}.sometimes[${i}].name`, `duplicate name ${JSON.stringify(s.name)}`);
    seen.add(s.name);
  }
  const buildChecked = (config: Config): BuiltSystem => {
    let built: BuiltSystem;
    try {
      built = input.build(config);
    } catch (err) {
      const field = err instanceof ConfigError || err instanceof SearchError ? err.field : "config";
      throw new SearchError(`${input.name} configuration ${field}`, `the configuration space yields ${JSON.stringify(config)}, which does not build: ${(err as Error).message}`);
    }
    if (!built || !Array.isArray(built.nodes) || built.nodes.length === 0) throw new SearchError(`${input.name}.build`, `returned no nodes for ${JSON.stringify(config)}`);
    return built;
  };
  buildChecked(input.defaultConfig);
  return {
    name: input.name,
    config: input.config,
    defaultConfig: input.defaultConfig,
    build: input.build,
    buildChecked,
    faultWindowMs,
    runMs,
    maxEvents,
    abstraction: input.abstraction ?? defaultAbstraction,
    sometimes: input.sometimes ?? [],
    role: input.role,
    messageTypes: typeNames(`${input.name}.messageTypes`, input.messageTypes),
    recordTypes: typeNames(`${input.name}.recordTypes`, input.recordTypes),
    states: triggerStates(`${input.name}.states`, input.states ?? (input.role ? [{ path: "role", equals: "leader" }] : [])),
    maxDown: input.maxDown ?? ((n) => Math.floor((n - 1) / 2)),
  };
}

function typeNames(field: string, v: readonly string[] | undefined): readonly string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new SearchError(field, `expected an array of type names, got ${JSON.stringify(v)}`);
  v.forEach((x, i) => {
    if (typeof x !== "string" || x.length === 0) throw new SearchError(`${field}[${i}]`, `expected a non-empty string, got ${JSON.stringify(x)}`);
  });
  return v;
}

function triggerStates(field: string, v: readonly TriggerState[]): readonly TriggerState[] {
  if (!Array.isArray(v)) throw new SearchError(field, `expected an array of { path, equals }, got ${JSON.stringify(v)}`);
  v.forEach((s, i) => {
    if (typeof s?.path !== "string" || s.path.length === 0) throw new SearchError(`${field}[${i}].path`, `expected a dot-separated field path such as "role", got ${JSON.stringify(s?.path)}`);
    const e = s.equals;
    if (e !== null && typeof e !== "string" && typeof e !== "boolean" && !(typeof e === "number" && Number.isFinite(e))) throw new SearchError(`${field}[${i}].equals`, `expected a string, finite number, boolean or null, got ${JSON.stringify(e)}`);
  });
  return v;
}

/** Coarse shape of a value: small strings and booleans kept, numbers as sign, arrays as length class, objects by key to depth 2. */
function shape(v: unknown, depth: number): unknown {
  if (v === null || v === undefined || typeof v === "boolean") return v ?? null;
  if (typeof v === "string") return v.length <= 16 ? v : "…";
  if (typeof v === "number") return v < 0 ? "-" : v === 0 ? 0 : v === 1 ? 1 : "+";
  if (Array.isArray(v)) return `[${v.length < 3 ? v.length : "3+"}]`;
  if (typeof v === "object") {
    if (depth >= 2) return "{}";
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = shape((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return typeof v;
}

/**
 * The default abstraction: per node, whether it is up and the coarse shape of its state (enum-like
 * strings and flags kept, numbers reduced to 0 / 1 / more, collections to their size class).
 */
export function defaultAbstraction(view: WorldView): unknown {
  return view.nodes.map((n) => (n.up ? shape(n.state, 0) : "down"));
}

/** A space's `done`, asked once the faults have stopped (at `windowMs`) and then at most every 50 virtual ms, as a run's `stopWhen`. */
export function doneAfter(windowMs: number, done: (view: WorldView) => boolean): (view: WorldView) => boolean {
  let next = windowMs;
  return (view) => {
    if (view.time < next) return false;
    next = view.time + 50;
    return done(view);
  };
}
