/**
 * @faultline/tcp — the kernel's protocols on real sockets: length-prefixed JSON frames, a
 * checksummed durable log fsynced before sends, real timers, structured logs. It never imports
 * the simulator.
 * @packageDocumentation
 */
export { encodeFrame, FrameDecoder, FrameError, DEFAULT_MAX_FRAME_BYTES } from "./frame.js";
export { DurableLog, StorageError, parseLog, crc32, type Loaded } from "./storage.js";
export { jsonLogger, type Logger, type Level } from "./logger.js";
export { startNode, type NodeOptions, type RunningNode, type PeerAddress } from "./runtime.js";
export { request } from "./client.js";
