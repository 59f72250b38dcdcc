/** Re-exports `@faultline/cli` as `faultline/cli`: cluster files, layered settings, node processes and the clients (`beginTransaction`, `kvRequest`). @packageDocumentation */
// Every name listed (no `export *`): packages/faultline/test/entries.test.ts fails when the package adds one this misses.
export {
  KvClient, LEVELS, NODE_SETTINGS, PROTOCOL_SETTINGS, SettingsError, beginTransaction, envName,
  flagName, kvRequest, nodeSettings, parseCluster, parseClusterFile, readCluster, readClusterFile,
  readConfigFile, requireNode, resolveSettings, runNodeProcess, statusOf,
} from "@faultline/cli";
export type {
  Address, Cluster, ClusterFile, KvCommand, KvResult, Session, SettingKind, SettingSpec,
} from "@faultline/cli";
