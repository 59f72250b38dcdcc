/** Wire, log and client vocabulary of the Raft node. */
import type { NodeId } from "@faultline/kernel";

/** Identifies a client's command so a retried request is applied once. */
export interface Session {
  readonly client: string;
  readonly seq: number;
}

/** A client request to the default key-value store. Reads go through the log, so they are linearizable. */
export type KvRequest =
  | { readonly op: "put"; readonly key: string; readonly value: string; readonly session?: Session }
  | { readonly op: "delete"; readonly key: string; readonly session?: Session }
  | { readonly op: "get"; readonly key: string };

/**
 * A reply. `ok: false` means the request was NOT applied (and will not be, under this request):
 * the node is not the leader (`redirect` names the leader it knows, if any), or its entry was
 * replaced by another leader's. A leader that steps down before its entry commits does not answer:
 * the entry may still commit, so only the client's timeout tells it the outcome is unknown.
 */
export type KvResponse = { readonly ok: true; readonly value?: string } | { readonly ok: false; readonly redirect?: NodeId; readonly error?: string };

/** What a log entry carries: a client command, or the no-op a new leader appends. */
export type Command = KvRequest | { readonly op: "noop" };

/** One log entry. */
export interface Entry {
  readonly term: number;
  readonly command: Command;
}

/** Messages between Raft nodes. Every message carries the sender's term (a PreVote carries the term it proposes). */
export type RaftMessage =
  | { readonly type: "prevote"; readonly term: number; readonly lastIndex: number; readonly lastTerm: number }
  | { readonly type: "prevote-reply"; readonly term: number; readonly granted: boolean }
  | { readonly type: "vote"; readonly term: number; readonly lastIndex: number; readonly lastTerm: number }
  | { readonly type: "vote-reply"; readonly term: number; readonly granted: boolean }
  | {
      readonly type: "append";
      readonly term: number;
      readonly prevIndex: number;
      readonly prevTerm: number;
      readonly entries: readonly Entry[];
      readonly commit: number;
    }
  | {
      readonly type: "append-reply";
      readonly term: number;
      readonly success: boolean;
      /** On success: the index up to which the follower's log matches the leader's. */
      readonly match: number;
      /** On failure: where the leader should retry (fast backtracking). */
      readonly conflictIndex?: number;
      /** On failure: the term of the follower's conflicting entry, if it has one at prevIndex. */
      readonly conflictTerm?: number;
    }
  | { readonly type: "snapshot"; readonly term: number; readonly snapshot: Snapshot }
  /**
   * One chunk of a snapshot too large for one message (§7's InstallSnapshot with `offset`/`done`):
   * `data` is the slice at `offset` of the snapshot's machine state as JSON text.
   */
  | {
      readonly type: "snapshot-chunk";
      readonly term: number;
      readonly lastIncludedIndex: number;
      readonly lastIncludedTerm: number;
      /** Where `data` starts in the JSON text, in UTF-16 units. */
      readonly offset: number;
      readonly data: string;
      /** True on the last chunk. */
      readonly done: boolean;
    }
  | {
      readonly type: "snapshot-reply";
      readonly term: number;
      readonly match: number;
      /** Set while a chunked snapshot is being received: how much of the one at `index` the follower holds. */
      readonly offset?: number;
      readonly index?: number;
    };

/** A state-machine snapshot: everything up to and including `index`. */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly machine: unknown;
}

/** The write-ahead log of a node: term and vote, appended entries, and compaction snapshots. */
export type RaftRecord =
  | { readonly type: "term"; readonly term: number; readonly votedFor: NodeId | null }
  /** Entries starting at `index`; anything the log held from `index` on is replaced. */
  | { readonly type: "append"; readonly index: number; readonly entries: readonly Entry[] }
  /** The whole durable state at a compaction: it replaces every earlier record. */
  | {
      readonly type: "snapshot";
      readonly term: number;
      readonly votedFor: NodeId | null;
      readonly snapshot: Snapshot;
      readonly entries: readonly Entry[];
    };
