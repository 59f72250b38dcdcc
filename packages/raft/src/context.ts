/** What every part of a step works with: the node's state being changed, its effects, its world. */
import type { Ctx, Effects, NodeId } from "@faultline/kernel";
import { isDraft, original } from "immer";
import type { RaftConfig } from "./config.js";
import type { StateMachine } from "./machine.js";
import type { RaftRules } from "./rules.js";
import type { MutableRaftState } from "./state.js";
import type { Command, KvResponse, RaftMessage, RaftRecord } from "./types.js";

/** A Raft node's timers: its election timeout and, as leader, its heartbeat. */
export type RaftTimer = { readonly kind: "election" } | { readonly kind: "heartbeat" };

/** The effects a Raft step emits. */
export type RaftEffects = Effects<RaftMessage, KvResponse, RaftRecord, RaftTimer>;

/** One step of one node. Read and write the node's state through `state`: it is always current. */
export interface NodeStep {
  readonly config: RaftConfig;
  readonly machine: StateMachine<any, Command, any>;
  readonly rules: RaftRules;
  readonly ctx: Ctx;
  readonly state: MutableRaftState;
  readonly fx: RaftEffects;
}

export const ELECTION_TIMER: RaftTimer = Object.freeze({ kind: "election" });
export const HEARTBEAT_TIMER: RaftTimer = Object.freeze({ kind: "heartbeat" });

/** The other nodes of the cluster. */
export function peersOf(node: NodeStep): NodeId[] {
  const { self, nodes } = node.ctx;
  return nodes.filter((n) => n !== self);
}

/** Arms the election timer at a random point of [min, max] (§5.2: randomized timeouts split votes rarely). */
export function armElectionTimer(node: NodeStep): void {
  const { electionTimeoutMinMs: min, electionTimeoutMaxMs: max } = node.config;
  node.fx.setTimer(ELECTION_TIMER, min + Math.floor(node.ctx.random() * (max - min + 1)));
}

/** Persists the current term and vote, before any message of this step leaves (figure 2: persistent state). */
export function persistTermAndVote(node: NodeStep): void {
  node.fx.persist({ type: "term", term: node.state.term, votedFor: node.state.votedFor });
}

/**
 * The state machine as it stands, as plain data. It is replaced whole, never changed in place,
 * so behind a draft it is the draft's original.
 */
export function currentMachine(node: NodeStep): unknown {
  const machine = node.state.machine;
  return isDraft(machine) ? original(machine) : machine;
}
