/**
 * Failure output and replay for regression tests: the seed as run, every node's state through
 * the protocol's `describe`, the relevant events first with heartbeat noise folded, replays that
 * must pass once fixed, renamed protocols, and `after`-check failures with their own tokens.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkProperty,
  decodeReplayToken,
  defineSystem,
  formatFailure,
  formatFailureText,
  formatSweepFailure,
  replayCase,
  replayFailure,
  replayPasses,
  ReplayedViolation,
  sweep,
  workloadArbitrary,
  type PropertyOptions,
} from "@faultline/check";
import { ConfigError, simulate, type TraceEvent } from "@faultline/kernel";
import { raftCluster } from "@faultline/raft";
import { twoPhaseCommitCluster, type BeginRequest } from "@faultline/two-phase-commit";
import { mutantByName, mutantCluster } from "../../two-phase-commit/test/mutants/index.js";

const workload = workloadArbitrary<BeginRequest>({ nodes: ["coordinator"], durationMs: 1_500, request: fc.constant({ type: "begin" }), minOps: 1, maxOps: 6 });
const forgetful = () => mutantCluster(mutantByName("coordinator-forgets-decisions"), { participants: 3 });
const fixed = () => twoPhaseCommitCluster({ participants: 3 });
const hunt = (system: PropertyOptions["system"], seed: number) =>
  checkProperty({ system, systemName: "forgetful", runs: 300, seed, faults: { durationMs: 1_500, kinds: ["crash", "partition"], maxDown: 1 }, workload, run: { maxTimeMs: 4_000 } });

function found(seed = 7) {
  const r = hunt(forgetful, seed);
  if (r.ok) throw new Error("expected the forgetful coordinator to fail");
  return r.failure;
}

describe("formatFailure", () => {
  it("prints the seed the failing run was made with, not checkProperty's search seed", () => {
    const f = found(7);
    const text = formatFailure(f);
    // The token is what replays the run: its config carries the seed the kernel ran.
    const asRun = decodeReplayToken(f.token).config.seed;
    expect(asRun).toBe(String(f.case.seed));
    expect(text).toContain(`seed as run: ${asRun} `);
    expect(text).toContain("search seed was 7");
    expect(f.searchSeed).toBe(7);
  });

  it("shows every node's state through the protocol's describe", () => {
    const f = found();
    const text = formatFailure(f);
    expect(f.nodes.map((n) => n.id)).toEqual(["coordinator", "p1", "p2", "p3"]);
    expect(text).toMatch(/coordinator \(2pc-coordinator~coordinator-forgets-decisions\): coordinator: preparing \d+, committing \d+, aborting \d+; completed \d+ commit, \d+ abort/);
    expect(text).toMatch(/p1 \(2pc-participant\): participant: prepared \d+, committed \d+, aborted \d+/);
  });

  it("describes Raft nodes: role, term, commit index, log length, leader", () => {
    const cluster = raftCluster({ nodes: 3 });
    const r = simulate({ seed: 1, ...cluster, maxTimeMs: 2_000 });
    const lines = r.view.nodes.map((n) => cluster.nodes[0]!.protocol.describe!(n.state));
    expect(lines.filter((l) => l.startsWith("leader term "))).toHaveLength(1);
    expect(lines.every((l) => /^(leader|follower|candidate|precandidate)\w* term \d+, commit \d+, log \d+, leader (n\d|none)$/.test(l))).toBe(true);
  });

  it("keeps the write, the ack and the reply that a window of heartbeats would hide; `all` shows everything", () => {
    const hb = (t: number, from: string, to: string): TraceEvent => ({ t, kind: "deliver", node: to, from, msg: { type: "append", term: 1, entries: [] } });
    const events: TraceEvent[] = [
      { t: 1, kind: "request", node: "n1", client: "c1", id: 1, req: { put: "x" } },
      { t: 2, kind: "deliver", node: "n2", from: "n1", msg: { type: "append", term: 1, entries: [{ put: "x" }] } },
      { t: 3, kind: "deliver", node: "n1", from: "n2", msg: { type: "append-reply", term: 1, ok: true } },
      { t: 4, kind: "reply", node: "n1", client: "c1", id: 1, res: { ok: true } },
      ...Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? ({ t: 10 + i, kind: "timer", node: "n1", timer: { kind: "heartbeat" } } as TraceEvent) : hb(10 + i, "n1", i % 2 ? "n2" : "n3"))),
      { t: 50, kind: "deliver", node: "n3", from: "n2", msg: { type: "vote", term: 2 } },
    ];
    const f = { property: "Linearizable", message: "read by c2#1 at n2 missed c1#1's write", facts: [], lastEvents: events, replayLine: "REPLAY" };
    const text = formatFailureText(f, { events: 12 });
    expect(text).toContain('1 ms request c1#1 at n1: {"put":"x"}   ◀ named in the violation');
    expect(text).toContain('2 ms deliver n1 → n2: {"type":"append","term":1,"entries":[{"put":"x"}]}');
    expect(text).toContain('3 ms deliver n2 → n1: {"type":"append-reply","term":1,"ok":true}');
    expect(text).toContain('4 ms reply n1 → c1#1: {"ok":true}');
    // 30 heartbeat events and the vote between n2 and n3 fold into one counted line.
    expect(text).toContain("… 30 event(s) folded: append (empty) ×20, timer heartbeat ×10");
    expect(text).toContain('50 ms deliver n2 → n3: {"type":"vote","term":2}');
    const all = formatFailureText(f, { all: true });
    expect(all.split("\n").filter((l) => l.includes('"entries":[]'))).toHaveLength(20);
    expect(all).not.toContain("folded");
  });

  it("keeps enough events: the failure carries up to 1,000 of them, not the kernel's default 64", () => {
    const r = checkProperty({ system: () => raftCluster({ nodes: 3 }), runs: 1, run: { maxTimeMs: 3_000 }, after: () => "always" });
    if (r.ok) throw new Error("expected the after check to fail");
    expect(r.failure.lastEvents.length).toBeGreaterThan(64);
    // Three idle Raft nodes: the printer folds the heartbeats of those events into counts.
    expect(formatFailure(r.failure)).toMatch(/… \d+ event\(s\) folded: .*append \(empty\) ×\d+/);
  });
});

describe("replay for regression tests", () => {
  it("expect: 'pass' returns the run once fixed, and throws naming the violation while it still fails", () => {
    const f = found();
    // The fixed coordinator has the shipped name: a renamed protocol is refused unless allowed.
    expect(() => replayFailure(fixed, f.token, { expect: "pass" })).toThrow(ConfigError);
    expect(() => replayFailure(fixed, f.token, { expect: "pass" })).toThrow(/coordinator:2pc-coordinator~coordinator-forgets-decisions/);
    const run = replayFailure(fixed, f.token, { expect: "pass", allowRenamed: true });
    expect(run.ok).toBe(true);
    expect(replayPasses(fixed, f.token, { allowRenamed: true }).traceHash).toBe(run.traceHash);
    expect(() => replayPasses(forgetful, f.token)).toThrow(ReplayedViolation);
    expect(() => replayPasses(forgetful, f.token)).toThrow(`replay still fails: ${f.invariant}: ${f.message} [trace ${f.traceHash}]`);
  });

  it("allowRenamed never lets node ids differ; a bad expect is named", () => {
    const f = found();
    const other = () => ({ ...fixed(), nodes: fixed().nodes.map((n, i) => ({ ...n, id: i === 0 ? "coord" : n.id })) });
    expect(() => replayPasses(other, f.token, { allowRenamed: true })).toThrow(/never node ids/);
    expect(() => replayFailure(forgetful, f.token, { expect: "maybe" as "pass" })).toThrow(/expected "fail" or "pass"/);
  });

  it("an after-check failure carries a token that replays with the same check, and passes once the check holds", () => {
    const system = () => twoPhaseCommitCluster({ participants: 2 });
    const after = (r: { time: number }) => (r.time > 100 ? `ran until ${r.time} ms` : undefined);
    const r = checkProperty({ system, systemName: "cluster", runs: 20, workload, run: { maxTimeMs: 3_000 }, after });
    if (r.ok) throw new Error("expected the after check to fail");
    const f = r.failure;
    expect(f.invariant).toBe("after");
    expect(f.replayLine).toBe(`expect(() => replayFailure(cluster, ${JSON.stringify(f.token)}, { after: after })).toThrow(${JSON.stringify(`after: ${f.message} [trace ${f.traceHash}]`)});`);
    expect(() => replayFailure(system, f.token, { after })).toThrow(`after: ${f.message} [trace ${f.traceHash}]`);
    expect(() => replayFailure(system, f.token)).toThrow(/pass the same check/);
    expect(replayPasses(system, f.token, { after: () => undefined }).traceHash).toBe(f.traceHash);
  });

  it("a sweep's end-of-run check failure carries a replay line too", () => {
    const space = defineSystem({
      name: "always",
      config: fc.constant(2),
      defaultConfig: 2,
      faultWindowMs: 500,
      runMs: 1_500,
      build: (participants: number) => ({ ...twoPhaseCommitCluster({ participants }), check: (res) => (res.time > 0 ? "the check fails" : undefined) }),
    });
    const r = sweep(space, { runs: 3, mode: "plain", seed: 3 });
    const f = r.failure!;
    expect(f.property).toBe("check");
    expect(f.replayLine).toContain("replayCase(always, ");
    expect(replayCase(space, f.token)).toEqual({ traceHash: f.traceHash, failure: "check: the check fails" });
    const text = formatSweepFailure(f);
    expect(text).toContain(`seed as run: ${f.case.seed} `);
    expect(text).toContain("the sweep's search seed was 3");
    expect(text).toMatch(/p1 \(2pc-participant\): participant: prepared/);
  });
});
