/** Re-exports `@faultline/tcp` as `faultline/tcp`. @packageDocumentation */
// Every name listed (no `export *`): packages/faultline/test/entries.test.ts fails when the package adds one this misses.
export {
  Connection, DEFAULT_FRAME_LIMITS, DEFAULT_MAX_FRAME_BYTES, DurableLog, FrameDecoder, FrameError,
  NodeError, StorageError, checkValue, composeObservers, crc32, encodeFrame, jsonLogger,
  newClientId, nodeStatus, pinoLogger, readLog, request, rootLogger, runtimeMetrics, serveMetrics,
  startNode,
} from "@faultline/tcp";
export type {
  BatchStats, ClusterAuth, DurableLogOptions, FrameLimits, Level, LinkHealth, Loaded, Logger,
  NodeObserver, NodeOptions, PeerAddress, RequestOptions, RunningNode, RuntimeMetrics,
} from "@faultline/tcp";
