/**
 * A checker over client histories, after Jepsen's and Maelstrom's kafka workloads: it rebuilds
 * each topic's log from what clients were told (publish acks, polls, history reads) and reports,
 * with the offending operations:
 * - `lost`: an acknowledged publish missing from a topic log that reads covered completely;
 * - `duplicate`: one (producer, seq) at two offsets;
 * - `order`: a producer's messages in a topic at offsets not increasing with their seqs;
 * - `divergent`: two reads disagreeing on the message at one offset (not one log);
 * - `skipped`: a read whose offsets are not consecutive from where it started;
 * - `offset-regression`: a group's offset (commit ack or poll start) going back in real time;
 * - `gap`: a group committed past an offset no member of it was ever delivered.
 */
import type { HistoryEntry } from "@faultline/kernel";
import type { PubSubRequest, PubSubResponse, StoredMessage } from "./types.js";

/** One client operation as the checker sees it. */
export type PubSubOp = HistoryEntry<PubSubRequest, PubSubResponse>;

/** The kinds of violation. */
export type PubSubViolationKind = "lost" | "duplicate" | "order" | "divergent" | "skipped" | "offset-regression" | "gap";

/** One violation, with the operations that show it. */
export interface PubSubViolation {
  readonly kind: PubSubViolationKind;
  readonly message: string;
  readonly ops: readonly PubSubOp[];
}

/** The verdict. */
export interface PubSubCheck {
  readonly ok: boolean;
  readonly violations: readonly PubSubViolation[];
  /** Acknowledged publishes, and those found in the logs reads rebuilt. */
  readonly acked: number;
  readonly found: number;
  /** Acknowledged publishes whose topic log no read covered completely (neither found nor lost). */
  readonly unverified: number;
}

interface Seen {
  readonly msg: StoredMessage;
  readonly op: PubSubOp;
}

const id = (m: { producer: string; seq: number }) => `${m.producer}#${m.seq}`;
const same = (a: StoredMessage, b: StoredMessage) => a.producer === b.producer && a.seq === b.seq && a.payload === b.payload;

/** Checks a history (e.g. `simulation.result().history`); at most `limit` violations of each kind (default 5). */
export function checkPubSubHistory(history: readonly HistoryEntry[], limit = 5): PubSubCheck {
  const ops = (history as readonly PubSubOp[]).filter((h) => h.res?.ok === true);
  const violations: PubSubViolation[] = [];
  const report = (kind: PubSubViolationKind, message: string, at: readonly PubSubOp[]) => {
    if (violations.filter((v) => v.kind === kind).length < limit) violations.push({ kind, message, ops: at });
  };
  const logs = new Map<string, Map<number, Seen>>();
  const ends = new Map<string, number>();
  const where = new Map<string, Map<string, Seen>>(); // topic -> producer#seq -> first sighting

  const see = (topic: string, msg: StoredMessage, op: PubSubOp) => {
    const log = logs.get(topic) ?? new Map<number, Seen>();
    logs.set(topic, log);
    const had = log.get(msg.offset);
    if (had === undefined) log.set(msg.offset, { msg, op });
    else if (!same(had.msg, msg)) report("divergent", `${topic}@${msg.offset}: ${id(had.msg)} (${JSON.stringify(had.msg.payload)}) vs ${id(msg)} (${JSON.stringify(msg.payload)})`, [had.op, op]);
  };
  const reads = (op: PubSubOp, topic: string, from: number, messages: readonly StoredMessage[]) => {
    messages.forEach((m, i) => {
      if (m.offset !== from + i) report("skipped", `${topic}: a read from ${from} holds offset ${m.offset} at position ${i}`, [op]);
      see(topic, m, op);
    });
  };

  for (const op of ops) {
    const { req, res } = op as Required<PubSubOp>;
    if (res.ok !== true) continue;
    if (res.op === "poll" && req.op === "poll") reads(op, req.topic, res.from, res.messages);
    if (res.op === "history" && req.op === "history") {
      reads(op, req.topic, res.from, res.messages);
      ends.set(req.topic, Math.max(ends.get(req.topic) ?? 0, res.end));
    }
  }

  // Duplicates and per-producer order, over the rebuilt logs.
  for (const [topic, log] of logs) {
    const byId = new Map<string, Seen>();
    const lastOf = new Map<string, Seen>();
    for (const offset of [...log.keys()].sort((a, b) => a - b)) {
      const s = log.get(offset) as Seen;
      const first = byId.get(id(s.msg));
      if (first !== undefined) report("duplicate", `${id(s.msg)} in ${topic} at offsets ${first.msg.offset} and ${offset}`, [first.op, s.op]);
      else byId.set(id(s.msg), s);
      const prev = lastOf.get(s.msg.producer);
      if (prev !== undefined && prev.msg.seq > s.msg.seq) report("order", `${topic}: producer ${s.msg.producer}'s seq ${prev.msg.seq} at offset ${prev.msg.offset} before seq ${s.msg.seq} at ${offset}`, [prev.op, s.op]);
      lastOf.set(s.msg.producer, s);
    }
    where.set(topic, byId);
  }

  // Lost: acked publishes absent from a log the reads covered from 0 to its end.
  let acked = 0;
  let found = 0;
  let unverified = 0;
  for (const op of ops) {
    const { req, res } = op as Required<PubSubOp>;
    if (req.op !== "publish" || res.ok !== true || res.op !== "publish") continue;
    acked++;
    const sighting = where.get(req.topic)?.get(id(req));
    if (sighting !== undefined) {
      found++;
      if (res.offset >= 0 && sighting.msg.offset !== res.offset) report("divergent", `${id(req)} acknowledged at ${req.topic}@${res.offset}, read at ${sighting.msg.offset}`, [op, sighting.op]);
      continue;
    }
    const log = logs.get(req.topic);
    const end = ends.get(req.topic) ?? 0;
    const complete = end > 0 && log !== undefined && Array.from({ length: end }, (_, i) => log.has(i)).every(Boolean);
    const covers = complete && (res.offset < 0 || res.offset < end);
    if (covers) report("lost", `${id(req)} was acknowledged (offset ${res.offset}) but ${req.topic}'s log [0, ${end}) lacks it`, [op]);
    else unverified++;
  }

  checkGroups(ops, report);
  return { ok: violations.length === 0, violations, acked, found, unverified };
}

/** Offsets of each (group, topic): monotonic in real time, and no commit past an undelivered offset. */
function checkGroups(ops: readonly PubSubOp[], report: (kind: PubSubViolationKind, message: string, at: readonly PubSubOp[]) => void): void {
  const groups = new Map<string, { obs: { offset: number; op: PubSubOp }[]; delivered: Set<number>; commits: PubSubOp[] }>();
  const of = (group: string, topic: string) => {
    const key = `${group}/${topic}`;
    const g = groups.get(key) ?? { obs: [], delivered: new Set<number>(), commits: [] };
    groups.set(key, g);
    return g;
  };
  for (const op of ops) {
    const { req, res } = op as Required<PubSubOp>;
    if (req.op === "poll" && res.ok === true && res.op === "poll") {
      const g = of(req.group, req.topic);
      g.obs.push({ offset: res.from, op });
      for (const m of res.messages) g.delivered.add(m.offset);
    }
    if (req.op === "commit" && res.ok === true && res.op === "commit") {
      const g = of(req.group, req.topic);
      g.obs.push({ offset: res.offset, op });
      g.commits.push(op);
    }
  }
  for (const [key, g] of groups) {
    // A completed observation bounds every one invoked after it: offsets never go back.
    const done = [...g.obs].sort((a, b) => (a.op.completedAt as number) - (b.op.completedAt as number));
    const started = [...g.obs].sort((a, b) => a.op.invokedAt - b.op.invokedAt);
    let i = 0;
    let best: { offset: number; op: PubSubOp } | undefined;
    for (const b of started) {
      while (i < done.length && (done[i]!.op.completedAt as number) < b.op.invokedAt) {
        if (best === undefined || done[i]!.offset > best.offset) best = done[i];
        i++;
      }
      if (best !== undefined && b.offset < best.offset) report("offset-regression", `${key}: offset ${b.offset} after ${best.offset} had been acknowledged`, [best.op, b.op]);
    }
    let missing = 0;
    while (g.delivered.has(missing)) missing++;
    const past = g.commits.find((c) => (c.res as Extract<PubSubResponse, { op: "commit" }>).offset > missing);
    if (past !== undefined) report("gap", `${key}: offset ${(past.res as Extract<PubSubResponse, { op: "commit" }>).offset} committed but offset ${missing} was never delivered to the group`, [past]);
  }
}
