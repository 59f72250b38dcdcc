/** Vocabulary of the pub/sub log: requests, replies, log commands and stored messages. */
import type { NodeId } from "@faultline/kernel";
import type { Hlc } from "./time/hlc.js";

/** One message of a topic's log, as stored and delivered. */
export interface StoredMessage {
  readonly offset: number;
  readonly producer: string;
  readonly seq: number;
  readonly payload: string;
  /** Lamport timestamp: above every timestamp the log had, and the producer's, when it was appended. */
  readonly lamport: number;
  /** Hybrid logical clock stamped by the broker that accepted the publish. */
  readonly hlc: Hlc;
}

/**
 * A client request. Every one but `status` goes through the Raft log (so reads are fresh: a
 * deposed leader cannot answer them), and only the leader accepts them; others redirect.
 */
export type PubSubRequest =
  /** Creates a topic (publishing to a missing topic creates it too). */
  | { readonly op: "create"; readonly topic: string }
  /**
   * Appends `payload` once: `(producer, seq)` identifies it, so a retry after a timeout or a
   * leader change answers the first append's offset. A producer's seqs start at 1 and go up by 1.
   * `lamport` is the producer's Lamport clock, if it keeps one.
   */
  | { readonly op: "publish"; readonly topic: string; readonly producer: string; readonly seq: number; readonly payload: string; readonly lamport?: number }
  /** Committed messages from the group's stored offset (at most `max`). */
  | { readonly op: "poll"; readonly topic: string; readonly group: string; readonly max: number }
  /** Stores the group's offset: the next offset it wants; never moves back. */
  | { readonly op: "commit"; readonly topic: string; readonly group: string; readonly offset: number }
  /** Committed messages from offset `from` (at most `limit`). */
  | { readonly op: "history"; readonly topic: string; readonly from: number; readonly limit: number }
  /** This broker's view: role, leader, peers' suspicion levels and clock-offset estimates. Answered locally. */
  | { readonly op: "status" };

/** A command of the replicated log: a request as the leader proposed it (a publish with its HLC stamp). */
export type PubSubCommand =
  | Exclude<PubSubRequest, { op: "publish" } | { op: "status" }>
  | (Extract<PubSubRequest, { op: "publish" }> & { readonly hlc: Hlc })
  | { readonly op: "noop" };

/** What a peer looks like from one broker (STATUS). */
export interface PeerStatus {
  /** Phi-accrual suspicion level (Hayashibara et al.): higher is more suspect; `Infinity` as 1e9. */
  readonly phi: number;
  readonly suspected: boolean;
  /** Estimated peer clock minus own clock (ms), from the best recent four-timestamp exchange. */
  readonly offsetMs?: number;
  /** Round-trip delay of that exchange (ms): the estimate's error is at most half of it. */
  readonly delayMs?: number;
}

/**
 * A reply. `ok: false` means nothing was applied under this request: the broker is not the
 * leader (`redirect` names the leader it knows) or the request was refused (`error` says why). A
 * broker that loses leadership with the request pending does not answer: the entry may still
 * commit, so the client's timeout is the unknown outcome it retries. `suspects` lists the brokers the answering broker suspects, so a client
 * can steer away from them.
 */
export type PubSubResponse =
  | { readonly ok: true; readonly op: "create"; readonly topic: string }
  | { readonly ok: true; readonly op: "publish"; readonly offset: number; readonly lamport: number; readonly hlc: Hlc; readonly duplicate: boolean }
  | { readonly ok: true; readonly op: "poll"; readonly from: number; readonly messages: readonly StoredMessage[] }
  | { readonly ok: true; readonly op: "commit"; readonly offset: number }
  | { readonly ok: true; readonly op: "history"; readonly from: number; readonly messages: readonly StoredMessage[]; readonly end: number }
  | {
      readonly ok: true;
      readonly op: "status";
      readonly node: NodeId;
      readonly role: string;
      readonly leader: NodeId | null;
      readonly term: number;
      readonly commitIndex: number;
      readonly peers: Readonly<Record<NodeId, PeerStatus>>;
    }
  | { readonly ok: false; readonly redirect?: NodeId; readonly error?: string; readonly suspects?: readonly NodeId[] };
