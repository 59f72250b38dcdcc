/** Re-exports `@faultline/cli` as `faultline/cli`: cluster files, layered settings, node processes and the clients (`beginTransaction`, `kvRequest`). @packageDocumentation */
// Every name listed (no `export *`): packages/faultline/test/entries.test.ts fails when the package adds one this misses.
export {
  ALL_BROKER_SETTINGS, BROKER_SETTINGS, KvClient, LEVELS, NODE_SETTINGS, PROTOCOL_SETTINGS,
  SettingsError, beginTransaction, brokerAddresses, envName, flagName, kvRequest, nodeSettings,
  parseCluster, parseClusterFile, readBrokerCluster, readCluster, readClusterFile, readConfigFile,
  requireNode, resolveSettings, runBrokerProcess, runNodeProcess, statusOf,
} from "@faultline/cli";
export type {
  Address, BrokerCluster, Cluster, ClusterFile, KvCommand, KvResult, Session, SettingKind,
  SettingSpec,
} from "@faultline/cli";
