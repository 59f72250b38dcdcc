/**
 * @faultline/raft — a Raft node as one pure reducer: elections with PreVote and CheckQuorum,
 * replication with fast backtracking, the figure-8 commit rule, persistence and restart,
 * snapshots with InstallSnapshot, a pluggable state machine (a key-value store by default) with
 * client sessions, and the spec's safety invariants.
 * @packageDocumentation
 */
export * from "./types.js";
export { resolveRaftConfig, RAFT_DEFAULTS, type RaftConfig, type RaftConfigInput } from "./config.js";
export { kvStateMachine, type KvState, type StateMachine } from "./machine.js";
export { lastIndex, lastTerm, termAt, entryAt, type LogView } from "./log.js";
export { foldRecords, type DurableState } from "./records.js";
export { raftProtocol, type RaftProtocol, type RaftTimer, type RaftState, type Role, type PendingRequest } from "./node.js";
export {
  raftInvariants,
  raftStateInvariants,
  electionSafety,
  logMatching,
  leaderCompleteness,
  stateMachineSafety,
  leaderAppendOnly,
  commitIndexMonotonic,
} from "./invariants.js";
export { raftCluster, nodeIds, type RaftCluster, type RaftClusterOptions } from "./cluster.js";
export { kvClient, type KvClientOptions, type KvClientState } from "./client.js";
export { validateMessage, validateRequest } from "./validate.js";
