/** Re-exports `@faultline/pubsub` as `faultline/pubsub`. @packageDocumentation */
// Every name listed (no `export *`): packages/faultline/test/entries.test.ts fails when the package adds one this misses.
export {
  ConnectionLost, HLC_ZERO, PUBSUB_DEFAULTS, PUBSUB_DEFAULT_CONFIG, PUBSUB_SOMETIMES, PubSubClient,
  PubSubError, SAMPLE_WINDOW, Subscription, WIRE_LIMITS, WireConnection, WireReplyError, addSample,
  bestSample, brokerProtocol, checkPubSubHistory, compareHlc, compareKeys, connectPubSub,
  consumerClient, createBrokerProtocol, encodeCommand, encodeErr, encodeMsg, encodeOk, finalReader,
  historyReader, hlcReceive, hlcTick, maxHlc, measureOffsetError, offsetSample, onBrokers,
  phiHeartbeat, phiLevel, phiStart, producerClient, pubsubAbstraction, pubsubCluster,
  pubsubConfigOf, pubsubMachine, pubsubSearchSpace, reorderBuffer, reorderDue, reorderFlush,
  reorderPush, reorderTick, replyFeed, replyParser, resolvePubSubConfig, serveConnection,
  validateBrokerMessage, validatePubSubRequest, wireFeed, wireParser,
} from "@faultline/pubsub";
export type {
  BrokerAddress, BrokerEffect, BrokerHooks, BrokerMessage, BrokerParts, BrokerProtocol, BrokerState,
  BrokerStep, BrokerTimer, ClientOptions, ConsumerOptions, ConsumerState, FinalReaderOptions,
  HistoryReaderOptions, Hlc, OffsetRow, OffsetSample, OffsetScenario, OrderKey, PeerState,
  PeerStatus, PhiOptions, PhiState, ProbeMessage, ProducerEntry, ProducerOptions, ProducerState,
  PubSubBackend, PubSubCheck, PubSubClientOptions, PubSubCluster, PubSubClusterOptions,
  PubSubCommand, PubSubConfig, PubSubConfigInput, PubSubMachineOptions, PubSubMachineState,
  PubSubOp, PubSubRequest, PubSubResponse, PubSubSearchConfig, PubSubSearchOptions, PubSubSometimes,
  PubSubViolation, PubSubViolationKind, PublishAck, ReaderState, Released, ReorderState,
  ReplyParser, ServeOptions, StoredMessage, SubscribeOptions, WireAnswer, WireCommand, WireItem,
  WireLimits, WireParser, WireReply,
} from "@faultline/pubsub";
