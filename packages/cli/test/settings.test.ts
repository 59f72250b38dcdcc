import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeSettings, parseCluster, SettingsError } from "@faultline/cli";

describe("settings", () => {
  const file = (values: object) => {
    const path = join(mkdtempSync(join(tmpdir(), "faultline-cfg-")), "config.json");
    writeFileSync(path, JSON.stringify(values));
    return path;
  };

  it("take flags over the config file over FAULTLINE_* variables over defaults", () => {
    const config = file({ id: "p1", cluster: "c.json", commitProbability: 0.5, statusIntervalMs: 400 });
    const env = { FAULTLINE_COMMIT_PROBABILITY: "0.1", FAULTLINE_STATUS_INTERVAL_MS: "999", FAULTLINE_LOG_LEVEL: "debug" };
    const s = nodeSettings("participant", { config, commitProbability: "0.9" }, env);
    expect(s).toMatchObject({ id: "p1", cluster: "c.json", commitProbability: 0.9, statusIntervalMs: 400, logLevel: "debug", coordinator: "coordinator" });
  });

  it("name where a bad value came from", () => {
    expect(() => nodeSettings("participant", { id: "p1", cluster: "c", commitProbability: "1.5" }, {})).toThrow("--commit-probability: expected a probability in [0, 1]");
    expect(() => nodeSettings("participant", { id: "p1", cluster: "c" }, { FAULTLINE_STATUS_INTERVAL_MS: "soon" })).toThrow("FAULTLINE_STATUS_INTERVAL_MS: expected a number");
    expect(() => nodeSettings("participant", { config: file({ id: "p1", cluster: "c", comitProbability: 1 }) }, {})).toThrow(/unknown key "comitProbability"/);
    expect(() => nodeSettings("raft-node", { cluster: "c" }, {})).toThrow("missing setting id");
    expect(() => nodeSettings("raft-node", { id: "n1", cluster: "c", logLevel: "loud" }, {})).toThrow(SettingsError);
  });

  it("validate cluster files", () => {
    expect(() => parseCluster({ nodes: { a: { host: "127.0.0.1", port: 70_000 } } }, "c.json")).toThrow("c.json: nodes.a.port: expected a port in 1..65535, got 70000");
    expect(() => parseCluster({ nodes: { a: { host: "h", port: 1 }, b: { host: "h", port: 1 } } }, "c.json")).toThrow(/already used/);
    expect(() => parseCluster({}, "c.json")).toThrow(/"nodes" must be an object/);
  });
});
