/** Configuration of a two-phase commit cluster: validated once, defaults filled in. */
import {
  ConfigError,
  describeValue,
  isNonEmptyString,
  isObject,
  requirePositiveNumber,
  requireProbability,
  type NodeId,
} from "@faultline/kernel";

/** What a caller may set; every field has a default. */
export interface TwoPhaseConfigInput {
  /** The coordinator's node id (default "coordinator"). */
  readonly coordinator?: NodeId;
  /** Participant ids (default "p1", "p2", "p3"); non-empty, distinct, not the coordinator. */
  readonly participants?: readonly NodeId[];
  /** How long the coordinator waits for all votes before it aborts (default 200 ms). */
  readonly voteTimeoutMs?: number;
  /** How often the coordinator resends PREPARE and unacknowledged decisions (default 50 ms). */
  readonly resendIntervalMs?: number;
  /** How often a prepared participant asks the coordinator for the decision (default 100 ms). */
  readonly statusIntervalMs?: number;
  /**
   * Probability in [0, 1] that a participant votes YES: one number for all, or per participant id
   * (ids left out get 1). Default 1: everyone commits unless a fault aborts the transaction.
   */
  readonly commitProbability?: number | Readonly<Record<NodeId, number>>;
}

/** A complete, valid configuration. */
export interface TwoPhaseConfig {
  readonly coordinator: NodeId;
  readonly participants: readonly NodeId[];
  readonly voteTimeoutMs: number;
  readonly resendIntervalMs: number;
  readonly statusIntervalMs: number;
  /** Per participant id. */
  readonly commitProbability: Readonly<Record<NodeId, number>>;
}

/** Defaults of {@link TwoPhaseConfigInput}. */
export const TWO_PHASE_DEFAULTS = {
  coordinator: "coordinator",
  participants: ["p1", "p2", "p3"],
  voteTimeoutMs: 200,
  resendIntervalMs: 50,
  statusIntervalMs: 100,
  commitProbability: 1,
} as const;

/** A positive, finite number of ms (the kernel's check, naming the field). @internal */
export function positiveMs(field: string, v: unknown): number {
  return requirePositiveNumber(field, v, "number of ms");
}

/** A non-empty string (a node id, a prefix). @internal */
export function checkId(field: string, v: unknown): NodeId {
  if (!isNonEmptyString(v)) throw new ConfigError(field, `expected a non-empty string, got ${describeValue(v)}`);
  return v;
}

/** Rejects keys of `input` that are not in `known`, naming the first one (a typo, usually). @internal */
export function checkKnownKeys(what: string, input: object, known: readonly string[]): void {
  if (!isObject(input)) throw new ConfigError(what, `expected an options object, got ${describeValue(input)}`);
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) throw new ConfigError(key, `unknown ${what} option (known: ${known.join(", ")})`);
  }
}

const CONFIG_KEYS = ["coordinator", "participants", "voteTimeoutMs", "resendIntervalMs", "statusIntervalMs", "commitProbability"] as const;

/** Fills in defaults and validates; throws the kernel's {@link ConfigError} naming the bad field. */
export function resolveTwoPhaseConfig(input: TwoPhaseConfigInput = {}): TwoPhaseConfig {
  checkKnownKeys("two-phase commit", input, CONFIG_KEYS);
  const coordinator = checkId("coordinator", input.coordinator ?? TWO_PHASE_DEFAULTS.coordinator);
  const participants = input.participants ?? TWO_PHASE_DEFAULTS.participants;
  if (!Array.isArray(participants) || participants.length === 0) throw new ConfigError("participants", "expected a non-empty array of node ids");
  const seen = new Set<NodeId>();
  participants.forEach((p, i) => {
    checkId(`participants[${i}]`, p);
    if (p === coordinator) throw new ConfigError(`participants[${i}]`, `${describeValue(p)} is the coordinator's id`);
    if (seen.has(p)) throw new ConfigError(`participants[${i}]`, `duplicate participant id ${describeValue(p)}`);
    seen.add(p);
  });
  const raw = input.commitProbability ?? TWO_PHASE_DEFAULTS.commitProbability;
  const commitProbability: Record<NodeId, number> = {};
  if (typeof raw === "object" && raw !== null) {
    for (const id of Object.keys(raw)) {
      if (!seen.has(id)) throw new ConfigError(`commitProbability.${id}`, `unknown participant ${describeValue(id)} (participants: ${participants.join(", ")})`);
    }
    for (const p of participants) commitProbability[p] = requireProbability(`commitProbability.${p}`, raw[p] ?? 1);
  } else {
    const p = requireProbability("commitProbability", raw);
    for (const id of participants) commitProbability[id] = p;
  }
  return {
    coordinator,
    participants: [...participants],
    voteTimeoutMs: positiveMs("voteTimeoutMs", input.voteTimeoutMs ?? TWO_PHASE_DEFAULTS.voteTimeoutMs),
    resendIntervalMs: positiveMs("resendIntervalMs", input.resendIntervalMs ?? TWO_PHASE_DEFAULTS.resendIntervalMs),
    statusIntervalMs: positiveMs("statusIntervalMs", input.statusIntervalMs ?? TWO_PHASE_DEFAULTS.statusIntervalMs),
    commitProbability,
  };
}
