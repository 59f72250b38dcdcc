/**
 * What a pub/sub search counts as coverage: an abstraction of the brokers (role, commit lag,
 * snapshot, dedup table held), and sometimes-assertions for the situations the log's guarantees
 * are about — snapshots with the dedup table in them, retries answered from the dedup table after
 * a leader change, groups resuming from a committed offset at another broker. They run after
 * every step, so they read the client history incrementally (a cursor per run).
 */
import type { HistoryEntry, WorldView } from "@faultline/kernel";
import type { RaftState } from "@faultline/raft";
import type { PubSubMachineState } from "../machine.js";
import type { BrokerState } from "../node.js";
import type { PubSubRequest, PubSubResponse } from "../types.js";

/** A sometimes-assertion as the search declares it (name and condition). */
export interface PubSubSometimes {
  readonly name: string;
  readonly condition: (view: WorldView) => boolean;
}

const bucket = (d: number) => (d <= 0 ? 0 : d === 1 ? 1 : 2);

/** Whether a record has a key, without building the key list (this runs after every step). */
function nonEmpty(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Whether some running broker's Raft state satisfies `p` (no arrays built). */
function anyRaft(v: WorldView, p: (r: RaftState) => boolean): boolean {
  for (const n of v.nodes) if (n.up && n.state !== undefined && p((n.state as BrokerState).raft)) return true;
  return false;
}

/** Running brokers that believe they lead. */
function leaders(v: WorldView): number {
  let k = 0;
  for (const n of v.nodes) if (n.up && n.state !== undefined && (n.state as BrokerState).raft.role === "leader") k++;
  return k;
}

/** Per broker (sorted, so names do not matter): role, commit lag against the furthest broker, snapshot, dedup table held; "down" for a crashed one. */
export function pubsubAbstraction(view: WorldView): unknown {
  let maxCommit = 0;
  for (const n of view.nodes) if (n.up && n.state !== undefined) maxCommit = Math.max(maxCommit, (n.state as BrokerState).raft.commitIndex);
  const rows: string[] = [];
  for (const n of view.nodes) {
    if (!n.up || n.state === undefined) {
      rows.push("down");
      continue;
    }
    const r = (n.state as BrokerState).raft;
    const m = r.machine as PubSubMachineState;
    rows.push(`${r.role}/c${bucket(maxCommit - r.commitIndex)}${r.log.snapshot.index > 0 ? "/snap" : ""}${nonEmpty(m.producers) ? "/dedup" : ""}`);
  }
  return rows.sort().join(" ");
}

/** Facts read from one run's client history so far. */
interface Facts {
  next: number;
  open: number[];
  /** producer#seq → the broker first asked. */
  firstAsked: Map<string, string>;
  /** group/topic → the last acknowledged commit: broker and client. */
  lastCommit: Map<string, { node: string; client: string }>;
  duplicateAck: boolean;
  duplicateAckElsewhere: boolean;
  resumedElsewhere: boolean;
  resumedByOther: boolean;
}

const cursors = new WeakMap<readonly HistoryEntry[], Facts>();

/** Advances the run's cursor over its history (entries complete in place, in any order). */
function facts(view: WorldView): Facts {
  const history = view.history as readonly HistoryEntry<PubSubRequest, PubSubResponse>[];
  let f = cursors.get(history);
  if (f === undefined) {
    f = { next: 0, open: [], firstAsked: new Map(), lastCommit: new Map(), duplicateAck: false, duplicateAckElsewhere: false, resumedElsewhere: false, resumedByOther: false };
    cursors.set(history, f);
  }
  for (; f.next < history.length; f.next++) {
    const h = history[f.next] as HistoryEntry<PubSubRequest, PubSubResponse>;
    if (h.req.op === "publish" && !f.firstAsked.has(`${h.req.producer}#${h.req.seq}`)) f.firstAsked.set(`${h.req.producer}#${h.req.seq}`, h.node);
    f.open.push(f.next);
  }
  const still: number[] = [];
  for (const i of f.open) {
    const h = history[i] as HistoryEntry<PubSubRequest, PubSubResponse>;
    if (h.res === undefined) {
      // A request that timed out stays open for good: keep only the recent ones.
      if (view.time - h.invokedAt < 5_000) still.push(i);
      continue;
    }
    const { req, res } = h;
    if (!res.ok) continue;
    if (req.op === "publish" && res.op === "publish" && res.duplicate) {
      f.duplicateAck = true;
      if (f.firstAsked.get(`${req.producer}#${req.seq}`) !== h.node) f.duplicateAckElsewhere = true;
    }
    if (req.op === "commit" && res.op === "commit") f.lastCommit.set(`${req.group}/${req.topic}`, { node: h.node, client: h.client });
    if (req.op === "poll" && res.op === "poll" && res.from > 0) {
      const last = f.lastCommit.get(`${req.group}/${req.topic}`);
      if (last !== undefined && last.node !== h.node) f.resumedElsewhere = true;
      if (last !== undefined && last.client !== h.client) f.resumedByOther = true;
    }
  }
  f.open = still;
  return f;
}

/** What a pub/sub sweep should reach at least once. */
export const PUBSUB_SOMETIMES: readonly PubSubSometimes[] = [
  { name: "a snapshot taken", condition: (v) => anyRaft(v, (r) => r.log.snapshot.index > 0) },
  {
    name: "a broker restarted from a snapshot holding the dedup table",
    condition: (v) =>
      v.nodes.some((n) => {
        const r = n.up && n.restarts > 0 ? (n.state as BrokerState | undefined)?.raft : undefined;
        return r !== undefined && r.log.snapshot.index > 0 && nonEmpty((r.log.snapshot.machine as PubSubMachineState).producers);
      }),
  },
  {
    name: "a follower behind the leader's snapshot",
    condition: (v) => {
      let snap = 0;
      for (const n of v.nodes) if (n.up && n.state !== undefined && (n.state as BrokerState).raft.role === "leader") snap = Math.max(snap, (n.state as BrokerState).raft.log.snapshot.index);
      return snap > 0 && anyRaft(v, (r) => r.log.lastIndex < snap);
    },
  },
  { name: "two leaders at once (different terms)", condition: (v) => leaders(v) >= 2 },
  { name: "a retried publish answered from the dedup table", condition: (v) => facts(v).duplicateAck },
  { name: "a publish retried at another broker (leader change) answered from the dedup table", condition: (v) => facts(v).duplicateAckElsewhere },
  { name: "a group resumed from its committed offset at another broker", condition: (v) => facts(v).resumedElsewhere },
  { name: "a group member resumed from an offset another member committed", condition: (v) => facts(v).resumedByOther },
];
