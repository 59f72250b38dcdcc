/** Re-exports `@faultline/pubsub` as `faultline/pubsub`. @packageDocumentation */
// Every name listed (no `export *`): packages/faultline/test/entries.test.ts fails when the package adds one this misses.
export {
  HLC_ZERO, PUBSUB_DEFAULTS, SAMPLE_WINDOW, WIRE_LIMITS, addSample, bestSample, brokerProtocol,
  checkPubSubHistory, compareHlc, compareKeys, consumerClient, createBrokerProtocol,
  encodeCommand, encodeErr, encodeMsg, encodeOk, hlcReceive, hlcTick, maxHlc, measureOffsetError,
  offsetSample, onBrokers, phiHeartbeat, phiLevel, phiStart, producerClient, pubsubCluster,
  pubsubMachine, reorderBuffer, reorderDue, reorderFlush, reorderPush, reorderTick,
  resolvePubSubConfig, serveConnection, validateBrokerMessage, validatePubSubRequest, wireFeed,
  wireParser,
} from "@faultline/pubsub";
export type {
  BrokerEffect, BrokerHooks, BrokerMessage, BrokerParts, BrokerProtocol, BrokerState, BrokerStep,
  BrokerTimer, ClientOptions, ConsumerOptions, ConsumerState, Hlc, OffsetRow, OffsetSample,
  OffsetScenario, OrderKey, PeerState, PeerStatus, PhiOptions, PhiState, ProbeMessage,
  ProducerEntry, ProducerOptions, ProducerState, PubSubBackend, PubSubCheck, PubSubCluster,
  PubSubClusterOptions, PubSubCommand, PubSubConfig, PubSubConfigInput, PubSubMachineOptions,
  PubSubMachineState, PubSubOp, PubSubRequest, PubSubResponse, PubSubViolation,
  PubSubViolationKind, Released, ReorderState, ServeOptions, StoredMessage, WireCommand, WireItem,
  WireLimits, WireParser,
} from "@faultline/pubsub";
