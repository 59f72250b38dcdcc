// Type-checked against the installed tarball (strict). Every line must compile, and every
// expected error below must occur: types that collapsed to `any` fail the check.
import * as fc from "fast-check";
import { ConfigError, simulate, transition, type Invariant, type Protocol, type SimulationResult, type SystemUnderTest } from "faultline";
import { checkProperty, replayFailure, workloadArbitrary, type PropertyResult } from "faultline/check";
import { raftCluster } from "faultline/raft";
import { twoPhaseCommitCluster } from "faultline/two-phase-commit";
import { DurableLog, startNode } from "faultline/tcp";
import { kvRequest, type Cluster } from "faultline/cli";

type Msg = { type: "ping" } | { type: "pong" };
const pinger: Protocol<{ pongs: number }, Msg, "go", number, never> = {
  name: "pinger",
  init: () => ({ state: { pongs: 0 }, effects: [] }),
  step: (state, input, ctx) =>
    transition(state, (draft, fx) => {
      if (input.type === "request") {
        for (const peer of ctx.nodes) if (peer !== ctx.self) fx.send(peer, { type: "ping" });
        fx.reply(input.client, input.id, draft.pongs);
      } else if (input.type === "message") {
        if (input.msg.type === "ping") fx.send(input.from, { type: "pong" });
        else draft.pongs++;
      }
    }),
};
const none: Invariant = { name: "None", check: () => undefined };
const system = (): SystemUnderTest => ({ nodes: ["a", "b"].map((id) => ({ id, protocol: pinger })), invariants: [none] });
const result: SimulationResult = simulate({ ...system(), seed: 1, workload: [{ at: 0, client: "c", node: "a", req: "go" }] });
const hash: string = result.traceHash;

// The user's own fast-check arbitraries go straight into faultline/check (fast-check is a peer).
const request: fc.Arbitrary<"go"> = fc.constant("go" as const);
const found: PropertyResult = checkProperty({ system, runs: 1, workload: workloadArbitrary({ nodes: ["a"], durationMs: 100, request }) });
if (!found.ok && found.failure.token) replayFailure(system, found.failure.token);

// Types from different subpaths are the same types.
const fromRaft: SystemUnderTest = raftCluster({ nodes: 3 });
const from2pc: SystemUnderTest = twoPhaseCommitCluster({ participants: 2 });
const err: ConfigError = new ConfigError("nodes", "none");
const field: string = err.field;
const cluster: Cluster = { n1: { host: "127.0.0.1", port: 1 } };
const tcp = [startNode, DurableLog, kvRequest] as const;

// @ts-expect-error a protocol's step must return { state, effects }
const broken: Protocol<number, never, never, never, never> = { name: "x", init: () => ({ state: 0, effects: [] }), step: () => 1 };
// @ts-expect-error simulate needs a config
simulate();
// @ts-expect-error ConfigError takes a field and a problem
new ConfigError(1);

export { hash, fromRaft, from2pc, field, cluster, tcp, broken };
