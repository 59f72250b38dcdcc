/**
 * The Raft node as one pure reducer (figure 2 of the extended paper, with PreVote, CheckQuorum,
 * fast backtracking, snapshots and client sessions), built with immer. Each step runs on a draft
 * of the state; the log and the progress tracker are immutable values immer hands out as they
 * are, so a step reads them from the draft at no cost and replaces them whole.
 */
import { transition, type Ctx, type Input, type Protocol } from "@faultline/kernel";
import { resolveRaftConfig, type RaftConfig, type RaftConfigInput } from "./config.js";
import { armElectionTimer, type NodeStep, type RaftEffects, type RaftTimer } from "./context.js";
import { kvStateMachine, type StateMachine } from "./machine.js";
import { foldRecords } from "./records.js";
import { defaultRaftRules, type RaftRules } from "./rules.js";
import { bootState, type MutableRaftState, type RaftState } from "./state.js";
import { clientRequest, electionTimeout, heartbeatTimeout, stepMessage } from "./step.js";
import type { Command, KvRequest, KvResponse, RaftMessage, RaftRecord } from "./types.js";
import { validateMessage, validateRequest } from "./validate.js";

/** The Raft protocol type with the default key-value machine. */
export type RaftProtocol = Protocol<RaftState, RaftMessage, KvRequest, KvResponse, RaftRecord, RaftTimer>;

/** What {@link createRaftProtocol} builds a reducer from. @internal */
export interface RaftProtocolParts {
  readonly config?: RaftConfigInput | RaftConfig;
  readonly machine?: StateMachine<any, Command, any>;
  /** The decision rules (default: {@link defaultRaftRules}); tests and the mutation bench replace some. */
  readonly rules?: RaftRules;
  /** The protocol's name in reports (default "raft"). */
  readonly name?: string;
}

/**
 * A Raft reducer from its parts, rules included: how tests and the mutation bench build a
 * reducer with a planted mistake. Use {@link raftProtocol} otherwise.
 * @internal
 */
export function createRaftProtocol(parts: RaftProtocolParts = {}): RaftProtocol {
  const config = resolveRaftConfig(parts.config as RaftConfigInput);
  const machine = parts.machine ?? kvStateMachine;
  const rules = parts.rules ?? defaultRaftRules;
  const run = (state: RaftState, ctx: Ctx, body: (node: NodeStep) => void) =>
    transition<RaftState, RaftMessage, KvResponse, RaftRecord, RaftTimer>(state, (draft, fx: RaftEffects) => {
      body({ config, machine, rules, ctx, state: draft as unknown as MutableRaftState, fx });
    });
  return {
    name: parts.name ?? "raft",
    init: (ctx, records) => run(bootState(foldRecords(records, machine.init())), ctx, armElectionTimer),
    step: (state: RaftState, input: Input<RaftMessage, KvRequest, RaftTimer>, ctx: Ctx) =>
      run(state, ctx, (node) => {
        if (input.type === "message") stepMessage(node, input.from, input.msg);
        else if (input.type === "request") clientRequest(node, input.client, input.id, input.req);
        else if (input.timer.kind === "election") electionTimeout(node);
        else heartbeatTimeout(node);
      }),
    validateMessage,
    validateRequest,
  };
}

/**
 * A Raft node running `machine` (default: the key-value store). Client requests go to the
 * leader, which answers once the entry is committed and applied; other nodes answer
 * `{ ok: false, redirect }`. Reads go through the log, so they are linearizable.
 */
export function raftProtocol(config: RaftConfigInput | RaftConfig = {}, machine: StateMachine<any, Command, any> = kvStateMachine): RaftProtocol {
  return createRaftProtocol({ config, machine });
}
