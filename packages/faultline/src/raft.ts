/** Re-exports `@faultline/raft` as `faultline/raft`. @packageDocumentation */
// Every name listed (no `export *`): packages/faultline/test/entries.test.ts fails when the package adds one this misses.
export {
  ProgressTracker, RAFT_DEFAULTS, RAFT_KNOBS, RaftLog, commitIndexMonotonic, committedMonotonic,
  createRaftProtocol, defaultRaftRules, electionSafety, entryAt, foldRecords, kvClient,
  kvStateMachine, lastIndex, lastTerm, leaderAppendOnly, leaderCompleteness, logMatching, majority,
  nodeIds, quorumIndex, raftCluster, raftConfigFromDraws, raftInvariants, raftProtocol,
  resolveRaftConfig, senderKeepsTerm, stateMachineSafety, termAt, validateMessage, validateRequest,
} from "@faultline/raft";
export type {
  Command, CommittedHistory, CommittedRun, DurableState, ElectedHistory, Entry, IncomingSnapshot,
  KnobRange, KvClientOptions, KvClientState, KvRequest, KvResponse, KvState, LogView,
  PendingRequest, Progress, RaftCluster, RaftClusterOptions, RaftConfig, RaftConfigInput,
  RaftMessage, RaftProtocol, RaftProtocolParts, RaftRecord, RaftRules, RaftState, RaftTimer, Role,
  SentTerms, Session, Snapshot, StateMachine,
} from "@faultline/raft";
