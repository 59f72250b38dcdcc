/**
 * @faultline/raft — a Raft node as one pure reducer: elections with PreVote and CheckQuorum,
 * replication with fast backtracking, the figure-8 commit rule, persistence and restart,
 * snapshots with InstallSnapshot, a pluggable state machine (a key-value store by default) with
 * client sessions, and the spec's safety invariants.
 * @packageDocumentation
 */
export type { Session, KvRequest, KvResponse, Command, Entry, RaftMessage, Snapshot, RaftRecord } from "./types.js";
export {
  resolveRaftConfig,
  raftConfigFromDraws,
  RAFT_DEFAULTS,
  RAFT_KNOBS,
  type RaftConfig,
  type RaftConfigInput,
  type KnobRange,
} from "./config.js";
export { kvStateMachine, type KvState, type StateMachine } from "./machine.js";
export { RaftLog, lastIndex, lastTerm, termAt, entryAt, type LogView } from "./log.js";
export { ProgressTracker, type Progress } from "./progress.js";
export { majority, quorumIndex } from "./quorum.js";
export { foldRecords, type DurableState } from "./records.js";
export type { RaftState, Role, PendingRequest, IncomingSnapshot } from "./state.js";
export type { RaftTimer } from "./context.js";
export { raftProtocol, createRaftProtocol, type RaftProtocol, type RaftProtocolParts } from "./protocol.js";
export { defaultRaftRules, type RaftRules } from "./rules.js";
export {
  raftInvariants,
  electionSafety,
  logMatching,
  leaderCompleteness,
  stateMachineSafety,
  leaderAppendOnly,
  commitIndexMonotonic,
  committedMonotonic,
  senderKeepsTerm,
  type ElectedHistory,
  type SentTerms,
  type CommittedHistory,
  type CommittedRun,
} from "./invariants.js";
export { raftCluster, nodeIds, type RaftCluster, type RaftClusterOptions } from "./cluster.js";
export { kvClient, type KvClientOptions, type KvClientState } from "./client.js";
export { validateMessage, validateRequest } from "./validate.js";
