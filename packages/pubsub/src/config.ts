/** Configuration of a pub/sub broker: its Raft settings plus the log's and the detectors' own. */
import { ConfigError } from "@faultline/kernel";
import { resolveRaftConfig, type RaftConfig, type RaftConfigInput } from "@faultline/raft";

/** What a caller may set; every field has a default. */
export interface PubSubConfigInput {
  readonly raft?: RaftConfigInput;
  /** Per-producer dedup retention, in publishes (default 16; see {@link PubSubMachineOptions}). */
  readonly dedupWindow?: number;
  /** How often a broker pings each peer: heartbeat and clock-offset probe at once (default 100 ms). */
  readonly probeIntervalMs?: number;
  /** Phi level above which a peer is suspected (default 8). */
  readonly phiThreshold?: number;
  /** Longest topic name, in characters (default 64). */
  readonly maxTopicLength?: number;
  /** Largest payload, in UTF-16 code units in the simulator, bytes on the wire (default 65536). */
  readonly maxPayload?: number;
  /** Most messages one poll or history read returns (default 1000). */
  readonly maxBatch?: number;
}

/** A complete, valid configuration. */
export interface PubSubConfig {
  readonly raft: RaftConfig;
  readonly dedupWindow: number;
  readonly probeIntervalMs: number;
  readonly phiThreshold: number;
  readonly maxTopicLength: number;
  readonly maxPayload: number;
  readonly maxBatch: number;
}

/** Defaults of {@link PubSubConfigInput} (besides Raft's). */
export const PUBSUB_DEFAULTS = { dedupWindow: 16, probeIntervalMs: 100, phiThreshold: 8, maxTopicLength: 64, maxPayload: 65_536, maxBatch: 1000 } as const;

function positive(field: string, v: unknown, integer: boolean): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new ConfigError(field, `expected a positive ${integer ? "whole number" : "number"}, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

/** Fills in defaults and validates; throws the kernel's {@link ConfigError} naming the bad field. */
export function resolvePubSubConfig(input: PubSubConfigInput | PubSubConfig = {}): PubSubConfig {
  if (typeof input !== "object" || input === null) throw new ConfigError("config", `expected an object, got ${JSON.stringify(input) ?? String(input)}`);
  for (const field of Object.keys(input)) {
    if (field !== "raft" && !(field in PUBSUB_DEFAULTS)) throw new ConfigError(field, `unknown pub/sub setting (known: raft, ${Object.keys(PUBSUB_DEFAULTS).join(", ")})`);
  }
  const get = <K extends keyof typeof PUBSUB_DEFAULTS>(k: K, integer: boolean) => positive(k, input[k] ?? PUBSUB_DEFAULTS[k], integer);
  return {
    raft: resolveRaftConfig((input.raft ?? {}) as RaftConfigInput),
    dedupWindow: get("dedupWindow", true),
    probeIntervalMs: get("probeIntervalMs", false),
    phiThreshold: get("phiThreshold", false),
    maxTopicLength: get("maxTopicLength", true),
    maxPayload: get("maxPayload", true),
    maxBatch: get("maxBatch", true),
  };
}
