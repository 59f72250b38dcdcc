/**
 * @faultline/tcp — the kernel's protocols on real sockets: bounded length-prefixed JSON frames,
 * authenticated peers, a checksummed, sequence-numbered durable log with group commit, real
 * timers, structured logs (pino), metrics (prom-client). It never imports the simulator.
 * @packageDocumentation
 */
export { encodeFrame, checkValue, FrameDecoder, FrameError, DEFAULT_MAX_FRAME_BYTES, DEFAULT_FRAME_LIMITS, type FrameLimits } from "./frame.js";
export { DurableLog, StorageError, readLog, type Loaded, type DurableLogOptions } from "./storage.js";
export { crc32 } from "./record.js";
export type { BatchStats } from "./commit.js";
export type { ClusterAuth } from "./auth.js";
export type { LinkHealth } from "./peers.js";
export { jsonLogger, pinoLogger, rootLogger, type Logger, type Level } from "./logger.js";
export { runtimeMetrics, serveMetrics, composeObservers, type RuntimeMetrics } from "./metrics.js";
export { startNode, type NodeOptions, type NodeObserver, type RunningNode, type PeerAddress } from "./runtime.js";
export { request, nodeStatus, newClientId, Connection, NodeError, type RequestOptions } from "./client.js";
