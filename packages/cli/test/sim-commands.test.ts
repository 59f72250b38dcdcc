import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseShard } from "../src/sim/sweep.js";
import { faultline } from "./sim.js";

const dispensers = "examples/find-a-bug/system.ts";
const tmp = () => mkdtempSync(join(tmpdir(), "faultline-sim-"));

describe("faultline run", () => {
  it("runs a shipped system: verdict, trace hash, the same twice", () => {
    const a = faultline(["run", "2pc", "--seed", "7", "--json"]);
    expect(a.code, a.stderr).toBe(0);
    const out = JSON.parse(a.stdout) as { ok: boolean; traceHash: string; token: string };
    expect(out.ok).toBe(true);
    expect(out.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(out.token).toMatch(/^fls1\./);
    expect(JSON.parse(faultline(["run", "2pc", "--seed", "7", "--json"]).stdout)).toEqual(out);
    expect((JSON.parse(faultline(["run", "2pc", "--seed", "8", "--json"]).stdout) as { traceHash: string }).traceHash).not.toBe(out.traceHash);
  }, 60_000);

  it("exits 2 naming the bad flag, argument or field", () => {
    const cases: [string[], RegExp][] = [
      [["run", "2pc", "--seed", "x"], /--seed: expected a whole number/],
      [["run", "nope", "--seed", "1"], /<system>: "nope" is neither a shipped system/],
      [["sweep", "raft", "--runs", "0"], /--runs: expected a whole number ≥ 1/],
      [["sweep", "raft", "--mode", "wild"], /--mode: expected random, swarm/],
      [["sweep", "raft", "--shard", "4/4"], /--shard: expected 0 ≤ i < n/],
      [["replay", "not-a-token"], /no case token/],
      [["run", "2pc"], /required option '--seed <n>'/],
    ];
    for (const [args, message] of cases) {
      const r = faultline(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(faultline(["sweep", "--help"]).stdout).toMatch(/--shard <i\/n>/);
  }, 120_000);

  it("reads the shard from a Kubernetes Indexed Job's variables", () => {
    expect(parseShard(undefined, { JOB_COMPLETION_INDEX: "2", JOB_COMPLETIONS: "4" })).toEqual({ shard: 2, of: 4 });
    expect(parseShard("1/3", { JOB_COMPLETION_INDEX: "2", JOB_COMPLETIONS: "4" })).toEqual({ shard: 1, of: 3 });
    expect(parseShard(undefined, {})).toBeUndefined();
    expect(() => parseShard(undefined, { JOB_COMPLETION_INDEX: "2" })).toThrow(/JOB_COMPLETION_INDEX\/JOB_COMPLETIONS: expected i\/n/);
  });
});

describe("a user's own module (the find-a-bug dispensers)", () => {
  it("is swept, the bug found and shrunk, replayed from the report; the fixed one sweeps clean", () => {
    const out = tmp();
    const s = faultline(["sweep", dispensers, "--runs", "200", "--mode", "swarm", "--workers", "1", "--json", "--out", out]);
    expect(s.code, s.stderr).toBe(1);
    const report = JSON.parse(s.stdout) as { ok: boolean; failures: { property: string; size: number; token: string }[] };
    expect(report.ok).toBe(false);
    expect(report.failures[0]?.property).toBe("UniqueTickets");
    expect(report.failures[0]?.size).toBe(1);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("UniqueTickets");
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain('href="failure-1.html"');
    expect(readFileSync(join(out, "failure-1.html"), "utf8")).toContain("VIOLATION UniqueTickets");
    const r = faultline(["replay", join(out, "replay.txt"), "--system", dispensers]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/VIOLATION UniqueTickets: ticket \d+ handed out twice/);
    const fixed = faultline(["sweep", dispensers, "--runs", "200", "--mode", "swarm", "--workers", "1", "--json"], { FIXED: "1" });
    expect(fixed.code, fixed.stderr).toBe(0);
    const one = faultline(["run", dispensers, "--seed", "1", "--json"], { FIXED: "1" });
    expect(one.code, one.stderr).toBe(0);
  }, 240_000);
});

describe("parallel and sharded sweeps", () => {
  it("give byte-identical --json whatever the workers, and four merged shards equal one unsharded run", () => {
    const args = [dispensers, "--runs", "240", "--mode", "swarm", "--chunk-size", "20", "--json"];
    const one = faultline(["sweep", ...args, "--workers", "1"]);
    const two = faultline(["sweep", ...args, "--workers", "2"]);
    expect(one.code, one.stderr).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    const dirs = [0, 1, 2, 3].map((i) => {
      const d = tmp();
      const r = faultline(["sweep", ...args, "--workers", "1", "--shard", `${i}/4`, "--out", d]);
      expect([0, 1]).toContain(r.code);
      return d;
    });
    const merged = faultline(["sweep", "merge", ...dirs, "--json"]);
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).toBe(one.stdout);
    const missing = faultline(["sweep", "merge", ...dirs.slice(1), "--json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/chunk\(s\) 0, 4, 8 missing/);
  }, 300_000);
});

describe("faultline explore", () => {
  const model = "packages/check/test/models/two-phase-lamport.ts#twoPhaseLamport";
  it("explores a model module: states/s, exit 0 when clean, 1 with the path to a planted bug, 2 on a bad flag", () => {
    const ok = faultline(["explore", model, "--args", "[3]"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 288 distinct states, \d+ generated, depth 11, complete; [\d.]+ s, \d+ states\/s/);
    const bug = faultline(["explore", model, "--args", '[3, {"bug":"commit-on-one-prepared"}]', "--json"]);
    expect(bug.code, bug.stderr).toBe(1);
    expect((JSON.parse(bug.stdout) as { violation: { invariant: string } }).violation.invariant).toBe("TCConsistent");
    const bad = faultline(["explore", model, "--max-depth", "deep"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-depth: expected a whole number/);
  }, 120_000);
});
