/** Configuration of a Raft node: validated once, defaults filled in. */
import { ConfigError, describeValue, requireBoolean, requireInteger, requirePositiveInteger, requirePositiveNumber } from "@faultline/kernel";

/** What a caller may set; every field has a default. */
export interface RaftConfigInput {
  /** Election timeouts are drawn uniformly from [min, max] of the node's clock (default 150–300 ms). */
  readonly electionTimeoutMinMs?: number;
  readonly electionTimeoutMaxMs?: number;
  /** How often a leader sends AppendEntries to each follower (default 50 ms). */
  readonly heartbeatIntervalMs?: number;
  /** Ask for pre-votes before starting an election, so a rejoining node does not depose a healthy leader (default true). */
  readonly preVote?: boolean;
  /** A leader that has not heard from a majority within an election timeout steps down (default true). */
  readonly checkQuorum?: boolean;
  /** Applied entries kept in the log before it is compacted into a snapshot (default 200). */
  readonly snapshotThreshold?: number;
  /**
   * Entries a compaction keeps, beyond the snapshot, for followers that lag a little (etcd's
   * `SnapshotCatchUpEntries`): a follower less than this many entries behind the leader's
   * snapshot gets entries instead of the snapshot. Default 0: none kept. Under load the slower
   * follower of three is usually behind the commit index, where compaction cuts, so without them
   * every compaction sends it a snapshot.
   */
  readonly snapshotCatchUpEntries?: number;
  /** Most entries in one AppendEntries (default 64). */
  readonly maxEntriesPerAppend?: number;
  /**
   * Most bytes of entries (their commands as JSON) in one AppendEntries, at least one entry
   * always going (default 256 KiB, well below the TCP runtime's 1 MiB frames).
   */
  readonly maxBytesPerAppend?: number;
  /**
   * Most UTF-16 units of snapshot data (its machine state as JSON) in one message: a larger
   * snapshot goes in chunks of this size (default 256 Ki, under the TCP runtime's 1 MiB frames
   * and 512 Ki strings even at 3 bytes a unit).
   */
  readonly maxSnapshotChunkBytes?: number;
  /**
   * The leader writes its new entries in parallel with sending them (Ongaro's thesis §10.2.1):
   * a proposal's AppendEntries are emitted before its write, the leader acknowledges its own
   * writes with a message to itself sent after them, and counts itself in the commit quorum only
   * up to what those report. The protocol then marks its AppendEntries as free to leave before
   * the leader's records are durable (the kernel's `Protocol.beforeDurable`), so a group-committing
   * runtime overlaps the leader's fsync with the followers'. Default false: every leader append
   * is durable before it is sent.
   */
  readonly parallelLeaderWrite?: boolean;
}

/** A complete, valid configuration. */
export interface RaftConfig {
  readonly electionTimeoutMinMs: number;
  readonly electionTimeoutMaxMs: number;
  readonly heartbeatIntervalMs: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly snapshotThreshold: number;
  readonly snapshotCatchUpEntries: number;
  readonly maxEntriesPerAppend: number;
  readonly maxBytesPerAppend: number;
  readonly maxSnapshotChunkBytes: number;
  readonly parallelLeaderWrite: boolean;
}

/** Defaults of {@link RaftConfigInput}. */
export const RAFT_DEFAULTS = {
  electionTimeoutMinMs: 150,
  electionTimeoutMaxMs: 300,
  heartbeatIntervalMs: 50,
  preVote: true,
  checkQuorum: true,
  snapshotThreshold: 200,
  snapshotCatchUpEntries: 0,
  maxEntriesPerAppend: 64,
  maxBytesPerAppend: 256 * 1024,
  maxSnapshotChunkBytes: 256 * 1024,
  parallelLeaderWrite: false,
} as const;

/** A positive number of ms, or a positive whole number (the kernel's checks, naming the field). */
function positive(field: string, v: unknown, integer = false): number {
  return integer ? requirePositiveInteger(field, v) : requirePositiveNumber(field, v, "number of ms");
}

const flag = requireBoolean;

/** Fills in defaults and validates; throws the kernel's {@link ConfigError} naming the bad field. */
export function resolveRaftConfig(input: RaftConfigInput = {}): RaftConfig {
  if (typeof input !== "object" || input === null) throw new ConfigError("config", `expected an object, got ${describeValue(input)}`);
  for (const field of Object.keys(input)) {
    if (!(field in RAFT_DEFAULTS)) throw new ConfigError(field, `unknown Raft setting (known: ${Object.keys(RAFT_DEFAULTS).join(", ")})`);
  }
  const min = positive("electionTimeoutMinMs", input.electionTimeoutMinMs ?? RAFT_DEFAULTS.electionTimeoutMinMs);
  const max = positive("electionTimeoutMaxMs", input.electionTimeoutMaxMs ?? RAFT_DEFAULTS.electionTimeoutMaxMs);
  if (max < min) throw new ConfigError("electionTimeoutMaxMs", `must not be below electionTimeoutMinMs (${min}), got ${max}`);
  const heartbeat = positive("heartbeatIntervalMs", input.heartbeatIntervalMs ?? RAFT_DEFAULTS.heartbeatIntervalMs);
  if (heartbeat >= min) throw new ConfigError("heartbeatIntervalMs", `must be below electionTimeoutMinMs (${min}) or followers time out, got ${heartbeat}`);
  return {
    electionTimeoutMinMs: min,
    electionTimeoutMaxMs: max,
    heartbeatIntervalMs: heartbeat,
    preVote: flag("preVote", input.preVote ?? RAFT_DEFAULTS.preVote),
    checkQuorum: flag("checkQuorum", input.checkQuorum ?? RAFT_DEFAULTS.checkQuorum),
    snapshotThreshold: positive("snapshotThreshold", input.snapshotThreshold ?? RAFT_DEFAULTS.snapshotThreshold, true),
    snapshotCatchUpEntries: requireInteger("snapshotCatchUpEntries", input.snapshotCatchUpEntries ?? RAFT_DEFAULTS.snapshotCatchUpEntries, 0),
    maxEntriesPerAppend: positive("maxEntriesPerAppend", input.maxEntriesPerAppend ?? RAFT_DEFAULTS.maxEntriesPerAppend, true),
    maxBytesPerAppend: positive("maxBytesPerAppend", input.maxBytesPerAppend ?? RAFT_DEFAULTS.maxBytesPerAppend, true),
    maxSnapshotChunkBytes: positive("maxSnapshotChunkBytes", input.maxSnapshotChunkBytes ?? RAFT_DEFAULTS.maxSnapshotChunkBytes, true),
    parallelLeaderWrite: flag("parallelLeaderWrite", input.parallelLeaderWrite ?? RAFT_DEFAULTS.parallelLeaderWrite),
  };
}

/** A numeric knob's range, as {@link RAFT_KNOBS} declares it. */
export interface KnobRange {
  readonly min: number;
  readonly max: number;
  /** True when only whole numbers are valid. */
  readonly integer: boolean;
}

/**
 * The configuration space a search may vary (swarm testing): every numeric knob's range and the
 * switches. Any draw inside the ranges that keeps `heartbeatIntervalMs < electionTimeoutMinMs <=
 * electionTimeoutMaxMs` is a valid configuration; {@link raftConfigFromDraws} builds one.
 */
export const RAFT_KNOBS = Object.freeze({
  electionTimeoutMinMs: Object.freeze({ min: 20, max: 1_000, integer: true }),
  /** Added to the minimum: the spread of the election timeout. */
  electionTimeoutSpreadMs: Object.freeze({ min: 0, max: 1_000, integer: true }),
  /** As a share of the minimum election timeout (kept below it). */
  heartbeatShare: Object.freeze({ min: 0.05, max: 0.9, integer: false }),
  snapshotThreshold: Object.freeze({ min: 2, max: 500, integer: true }),
  maxEntriesPerAppend: Object.freeze({ min: 1, max: 128, integer: true }),
  switches: Object.freeze(["preVote", "checkQuorum"] as const),
} satisfies Record<string, KnobRange | readonly string[]>);

/**
 * A valid configuration from draws in [0, 1), one per knob of {@link RAFT_KNOBS} in its declared
 * order (election minimum, spread, heartbeat share, snapshot threshold, batch size, then one per
 * switch: below 0.5 is off). A search maps its random draws through this, so every draw is valid.
 */
export function raftConfigFromDraws(draws: readonly number[]): RaftConfig {
  if (draws.length < 7) throw new ConfigError("draws", `expected 7 numbers in [0, 1), got ${draws.length}`);
  draws.forEach((d, i) => {
    if (typeof d !== "number" || !(d >= 0 && d < 1)) throw new ConfigError(`draws[${i}]`, `expected a number in [0, 1), got ${JSON.stringify(d) ?? String(d)}`);
  });
  const pick = (r: KnobRange, d: number) => (r.integer ? r.min + Math.floor(d * (r.max - r.min + 1)) : r.min + d * (r.max - r.min));
  const [dMin, dSpread, dBeat, dSnap, dBatch, dPre, dQuorum] = draws as [number, number, number, number, number, number, number];
  const min = pick(RAFT_KNOBS.electionTimeoutMinMs, dMin);
  return resolveRaftConfig({
    electionTimeoutMinMs: min,
    electionTimeoutMaxMs: min + pick(RAFT_KNOBS.electionTimeoutSpreadMs, dSpread),
    heartbeatIntervalMs: Math.max(1, Math.floor(min * pick(RAFT_KNOBS.heartbeatShare, dBeat))),
    snapshotThreshold: pick(RAFT_KNOBS.snapshotThreshold, dSnap),
    maxEntriesPerAppend: pick(RAFT_KNOBS.maxEntriesPerAppend, dBatch),
    preVote: dPre >= 0.5,
    checkQuorum: dQuorum >= 0.5,
  });
}
