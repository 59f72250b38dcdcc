/**
 * The end of a search run: a leader that has committed an entry of its own term and applied its
 * whole log holds every acknowledged publish (Leader Completeness), so its applied topics stand
 * for a final read of every topic from offset 0. Reading them from the state, rather than by a
 * client after a fixed delay, lets a run end as soon as the cluster has settled.
 */
import type { HistoryEntry, WorldView } from "@faultline/kernel";
import type { PubSubMachineState } from "../machine.js";
import type { BrokerState } from "../node.js";
import type { PubSubRequest, PubSubResponse } from "../types.js";

/**
 * The settled leader: up, leading in the highest term any running broker has reached, an entry
 * of its term committed and its whole log applied; else undefined.
 */
export function settled(view: Pick<WorldView, "nodes">): { readonly node: string; readonly machine: PubSubMachineState } | undefined {
  let maxTerm = 0;
  for (const n of view.nodes) if (n.up && n.state !== undefined) maxTerm = Math.max(maxTerm, (n.state as BrokerState).raft.term);
  for (const n of view.nodes) {
    const r = n.up && n.state !== undefined ? (n.state as BrokerState).raft : undefined;
    if (r === undefined || r.role !== "leader" || r.term !== maxTerm) continue;
    if (r.lastApplied === r.log.lastIndex && r.commitIndex === r.log.lastIndex && r.log.termAt(r.commitIndex) === r.term) return { node: n.id, machine: r.machine as PubSubMachineState };
  }
  return undefined;
}

/**
 * Final reads of `topics` as history entries answered by the settled leader at `at` (client
 * "final"), for the history checker; undefined when no leader has settled.
 */
export function finalReads(view: Pick<WorldView, "nodes">, topics: readonly string[], at: number): HistoryEntry<PubSubRequest, PubSubResponse>[] | undefined {
  const leader = settled(view);
  if (leader === undefined) return undefined;
  return topics.map((topic, id) => {
    const messages = leader.machine.topics[topic] ?? [];
    return { client: "final", id, node: leader.node, req: { op: "history", topic, from: 0, limit: Math.max(1, messages.length) }, invokedAt: at, completedAt: at, res: { ok: true, op: "history", from: 0, messages, end: messages.length } };
  });
}
