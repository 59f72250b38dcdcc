/**
 * @faultline/cli — the `faultline` command's parts: layered settings, cluster files, node
 * processes and clients.
 * @packageDocumentation
 */
export { resolveSettings, readConfigFile, SettingsError, flagName, envName, LEVELS, type SettingSpec, type SettingKind } from "./settings.js";
export { parseCluster, parseClusterFile, readCluster, readClusterFile, requireNode, type Cluster, type ClusterFile, type Address } from "./cluster.js";
export { beginTransaction, kvRequest, statusOf, KvClient, type KvCommand, type KvResult, type Session } from "./clients.js";
export { nodeSettings, runNodeProcess, NODE_SETTINGS, PROTOCOL_SETTINGS } from "./processes.js";
export { readBrokerCluster, brokerAddresses, type BrokerCluster } from "./brokers.js";
export { runBrokerProcess, BROKER_SETTINGS, ALL_BROKER_SETTINGS } from "./broker.js";
