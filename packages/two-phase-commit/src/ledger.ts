/**
 * Folds of the durable logs, shared by recovery (`init`) and the invariants: what a node's records
 * say, whether or not the node is up. These are the spec's durable variables.
 */
import type { CoordinatorRecord, Decision, ParticipantRecord, ParticipantTxState, TxId, Vote } from "./types.js";

/** The spec's `cLog[t]` and `cDone[t]` for one transaction. */
export interface CoordinatorLogEntry {
  /** "begun" until a decision is logged. */
  log: "begun" | Decision;
  done: boolean;
}

/** What a coordinator's records say, per transaction, in the order the transactions were begun. */
export interface CoordinatorLog {
  readonly txs: Map<TxId, CoordinatorLogEntry>;
  /** The first time a logged decision was overwritten by a different one (never, for a correct coordinator). */
  changed?: { readonly tx: TxId; readonly from: Decision; readonly to: Decision };
}

/** One participant's durable knowledge of a transaction: the spec's `pState[p][t]` and `pVote[p][t]`. */
export interface ParticipantLogEntry {
  state: ParticipantTxState;
  /** "none" when the participant learned ABORT before it ever voted. */
  vote: Vote | "none";
}

/** What a participant's records say; a transaction it never heard of is "working". */
export type ParticipantLog = Map<TxId, ParticipantLogEntry>;

/** Adds one coordinator record to `log`. */
export function foldCoordinatorRecord(log: CoordinatorLog, r: CoordinatorRecord): void {
  const entry = log.txs.get(r.tx);
  if (r.type === "begun") {
    if (entry === undefined) log.txs.set(r.tx, { log: "begun", done: false });
  } else if (r.type === "decision") {
    if (entry === undefined) log.txs.set(r.tx, { log: r.decision, done: false });
    else {
      if (entry.log !== "begun" && entry.log !== r.decision && log.changed === undefined) log.changed = { tx: r.tx, from: entry.log, to: r.decision };
      entry.log = r.decision;
    }
  } else if (entry !== undefined) entry.done = true;
}

/** Adds one participant record to `log`: a vote prepares (YES) or aborts (NO); an outcome is final. */
export function foldParticipantRecord(log: ParticipantLog, r: ParticipantRecord): void {
  const entry = log.get(r.tx);
  if (r.type === "vote") {
    const state = r.vote === "yes" ? "prepared" : "aborted";
    if (entry === undefined) log.set(r.tx, { state, vote: r.vote });
    else entry.vote = r.vote;
  } else if (entry === undefined) log.set(r.tx, { state: r.outcome, vote: "none" });
  else entry.state = r.outcome;
}

/** Folds a coordinator's whole log. */
export function coordinatorLog(records: readonly CoordinatorRecord[]): CoordinatorLog {
  const log: CoordinatorLog = { txs: new Map() };
  for (const r of records) foldCoordinatorRecord(log, r);
  return log;
}

/** Folds a participant's whole log. */
export function participantLog(records: readonly ParticipantRecord[]): ParticipantLog {
  const log: ParticipantLog = new Map();
  for (const r of records) foldParticipantRecord(log, r);
  return log;
}

interface Cached<T> {
  n: number;
  last: unknown;
  value: T;
}

/**
 * Folds `records` incrementally: invariants run after every step, and logs only grow, so the fold
 * of the previous call is extended instead of redone. A log that shrank or was replaced (a crash
 * losing unsynced records) is folded again from scratch.
 */
function memoFold<R, T>(cache: WeakMap<readonly R[], Cached<T>>, records: readonly R[], empty: () => T, add: (acc: T, r: R) => void): T {
  let c = cache.get(records);
  if (c === undefined || c.n > records.length || (c.n > 0 && records[c.n - 1] !== c.last)) {
    c = { n: 0, last: undefined, value: empty() };
    cache.set(records, c);
  }
  for (let i = c.n; i < records.length; i++) add(c.value, records[i] as R);
  c.n = records.length;
  c.last = records[records.length - 1];
  return c.value;
}

const coordinatorCache = new WeakMap<readonly CoordinatorRecord[], Cached<CoordinatorLog>>();
const participantCache = new WeakMap<readonly ParticipantRecord[], Cached<ParticipantLog>>();

/** {@link coordinatorLog}, memoised per log array; the result is shared and must not be changed. */
export function cachedCoordinatorLog(records: readonly CoordinatorRecord[]): CoordinatorLog {
  return memoFold(coordinatorCache, records, () => ({ txs: new Map() }), foldCoordinatorRecord);
}

/** {@link participantLog}, memoised per log array; the result is shared and must not be changed. */
export function cachedParticipantLog(records: readonly ParticipantRecord[]): ParticipantLog {
  return memoFold(participantCache, records, () => new Map(), foldParticipantRecord);
}
