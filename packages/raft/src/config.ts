/** Configuration of a Raft node: validated once, defaults filled in. */
import { ConfigError } from "@faultline/kernel";

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
  /** Most entries in one AppendEntries (default 64). */
  readonly maxEntriesPerAppend?: number;
  /** Planted bugs, only to prove the invariants can fail. */
  readonly bugs?: {
    /**
     * Commit an entry of an earlier term by counting replicas (the Figure 8 bug); a new leader
     * then also skips its no-op entry, which would otherwise mask the bug.
     */
    readonly commitPreviousTermByCount?: boolean;
  };
}

/** A complete, valid configuration. */
export interface RaftConfig {
  readonly electionTimeoutMinMs: number;
  readonly electionTimeoutMaxMs: number;
  readonly heartbeatIntervalMs: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly snapshotThreshold: number;
  readonly maxEntriesPerAppend: number;
  readonly bugs: { readonly commitPreviousTermByCount: boolean };
}

/** Defaults of {@link RaftConfigInput}. */
export const RAFT_DEFAULTS = {
  electionTimeoutMinMs: 150,
  electionTimeoutMaxMs: 300,
  heartbeatIntervalMs: 50,
  preVote: true,
  checkQuorum: true,
  snapshotThreshold: 200,
  maxEntriesPerAppend: 64,
} as const;

function positive(field: string, v: unknown, integer = false): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new ConfigError(field, `expected a positive ${integer ? "whole number" : "number of ms"}, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

function flag(field: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new ConfigError(field, `expected true or false, got ${JSON.stringify(v) ?? String(v)}`);
  return v;
}

/** Fills in defaults and validates; throws the kernel's {@link ConfigError} naming the bad field. */
export function resolveRaftConfig(input: RaftConfigInput = {}): RaftConfig {
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
    maxEntriesPerAppend: positive("maxEntriesPerAppend", input.maxEntriesPerAppend ?? RAFT_DEFAULTS.maxEntriesPerAppend, true),
    bugs: { commitPreviousTermByCount: flag("bugs.commitPreviousTermByCount", input.bugs?.commitPreviousTermByCount ?? false) },
  };
}
