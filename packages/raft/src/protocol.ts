/**
 * The Raft node as one pure reducer (figure 2 of the extended paper, with PreVote, CheckQuorum,
 * fast backtracking, snapshots and client sessions).
 *
 * A step reads and writes one view of the state: a shallow working copy whose fields hold
 * primitives or immutable values (the log, the progress tracker, frozen arrays and records), so
 * the copy is complete and a change replaces a value. The copy, frozen, is the next state (see
 * `commitWorkingCopy`): what immer's `produce` would make of the same changes — a frozen state
 * sharing every unchanged value with the last one — without replaying them into a draft. Reading
 * and writing through an immer draft cost a proxy trap per access and a finalize walk per step,
 * most of a step's time on the Raft benchmark, for no safety the frozen values do not already
 * give.
 */
import { Effects, type Ctx, type Input, type Protocol, type Step } from "@faultline/kernel";
import { resolveRaftConfig, type RaftConfig, type RaftConfigInput } from "./config.js";
import { armElectionTimer, type NodeStep, type RaftEffects, type RaftTimer } from "./context.js";
import { kvStateMachine, type StateMachine } from "./machine.js";
import { foldRecords } from "./records.js";
import { defaultRaftRules, type RaftRules } from "./rules.js";
import { bootState, commitWorkingCopy, workingCopy, type RaftState } from "./state.js";
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
  const run = (state: RaftState | undefined, boot: RaftState, ctx: Ctx, body: (node: NodeStep) => void): Step<RaftState, RaftMessage, KvResponse, RaftRecord, RaftTimer> => {
    const fx: RaftEffects = new Effects();
    const work = workingCopy(boot);
    body({ config, machine, rules, ctx, state: work, fx });
    return { state: commitWorkingCopy(state, work), effects: fx.list };
  };
  return {
    name: parts.name ?? "raft",
    init: (ctx, records) => run(undefined, bootState(foldRecords(records, machine.init())), ctx, armElectionTimer),
    step: (state: RaftState, input: Input<RaftMessage, KvRequest, RaftTimer>, ctx: Ctx) =>
      run(state, state, ctx, (node) => {
        if (input.type === "message") stepMessage(node, input.from, input.msg);
        else if (input.type === "request") clientRequest(node, input.client, input.id, input.req);
        else if (input.timer.kind === "election") electionTimeout(node);
        else heartbeatTimeout(node);
      }),
    validateMessage,
    validateRequest,
    beforeDurable: config.parallelLeaderWrite ? { send: isAppend, reply: always } : { reply: always },
    describe: describeRaftState,
  };
}

/**
 * A leader's AppendEntries may leave before its own write is durable when it counts itself only
 * once that write is (`parallelLeaderWrite`, thesis §10.2.1); a follower's acknowledgement, a vote
 * or anything else waits for the records it rests on.
 */
const isAppend = (_to: string, msg: RaftMessage): boolean => msg.type === "append";

/**
 * Every reply may leave before this node's later records are durable: a result is given only for
 * a committed entry, which a majority already holds durably (the commit rule counts no unsynced
 * log); a redirect is a hint.
 */
const always = (): boolean => true;

/** Role, term, commit index, log length and the leader it knows: the failure printer's line for a Raft node. */
function describeRaftState(s: RaftState): string {
  return `${s.role} term ${s.term}, commit ${s.commitIndex}, log ${s.log.lastIndex}, leader ${s.leader ?? "none"}`;
}

/**
 * A Raft node running `machine` (default: the key-value store). Client requests go to the
 * leader, which answers once the entry is committed and applied; other nodes answer
 * `{ ok: false, redirect }`. Reads go through the log, so they are linearizable.
 */
export function raftProtocol(config: RaftConfigInput | RaftConfig = {}, machine: StateMachine<any, Command, any> = kvStateMachine): RaftProtocol {
  return createRaftProtocol({ config, machine });
}
