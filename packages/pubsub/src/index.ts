/**
 * @faultline/pubsub — a replicated pub/sub message log on the Raft reducer: topics with
 * append-only logs, exactly-once publishes (producer id + seq, a replicated dedup table),
 * consumer-group offsets committed through the log, fresh reads, Lamport and hybrid logical
 * clocks, SNTP-style clock-offset estimation, a bounded reordering buffer, phi-accrual failure
 * detection, and a checker over client histories.
 * @packageDocumentation
 */
export type { StoredMessage, PubSubRequest, PubSubCommand, PubSubResponse, PeerStatus } from "./types.js";
export { resolvePubSubConfig, PUBSUB_DEFAULTS, type PubSubConfig, type PubSubConfigInput } from "./config.js";
export { pubsubMachine, type PubSubMachineState, type PubSubMachineOptions, type ProducerEntry } from "./machine.js";
export {
  brokerProtocol,
  createBrokerProtocol,
  type BrokerProtocol,
  type BrokerState,
  type BrokerMessage,
  type ProbeMessage,
  type BrokerTimer,
  type BrokerEffect,
  type BrokerHooks,
  type BrokerStep,
  type BrokerParts,
  type PeerState,
} from "./node.js";
export { pubsubCluster, onBrokers, type PubSubCluster, type PubSubClusterOptions } from "./cluster.js";
export { producerClient, consumerClient, type ClientOptions, type ProducerOptions, type ProducerState, type ConsumerOptions, type ConsumerState } from "./clients.js";
export { validatePubSubRequest, validateBrokerMessage } from "./validate.js";
export { HLC_ZERO, compareHlc, hlcTick, hlcReceive, maxHlc, type Hlc } from "./time/hlc.js";
export { offsetSample, addSample, bestSample, SAMPLE_WINDOW, type OffsetSample } from "./time/sntp.js";
export { phiStart, phiHeartbeat, phiLevel, type PhiState, type PhiOptions } from "./time/phi.js";
export { reorderBuffer, reorderPush, reorderTick, reorderFlush, reorderDue, compareKeys, type OrderKey, type Released, type ReorderState } from "./time/reorder.js";
export { measureOffsetError, type OffsetScenario, type OffsetRow } from "./measure.js";
export { checkPubSubHistory, type PubSubOp, type PubSubCheck, type PubSubViolation, type PubSubViolationKind } from "./checker.js";
export { wireParser, wireFeed, WIRE_LIMITS, type WireCommand, type WireItem, type WireLimits, type WireParser } from "./wire/protocol.js";
export { encodeCommand, encodeMsg, encodeOk, encodeErr } from "./wire/encode.js";
export { serveConnection, type PubSubBackend, type ServeOptions } from "./wire/server.js";
export {
  pubsubSearchSpace,
  pubsubConfigOf,
  PUBSUB_DEFAULT_CONFIG,
  type PubSubSearchConfig,
  type PubSubSearchOptions,
} from "./search/space.js";
export { pubsubAbstraction, PUBSUB_SOMETIMES, type PubSubSometimes } from "./search/coverage.js";
export { historyReader, finalReader, type HistoryReaderOptions, type FinalReaderOptions, type ReaderState } from "./search/readers.js";
export { replyParser, replyFeed, WireReplyError, type WireReply, type ReplyParser } from "./wire/reply.js";
export { WireConnection, ConnectionLost, type BrokerAddress, type WireAnswer } from "./client/connection.js";
export { connectPubSub, PubSubClient, PubSubError, type PubSubClientOptions, type PublishAck } from "./client/client.js";
export { Subscription, type SubscribeOptions } from "./client/subscription.js";
