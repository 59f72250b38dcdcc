/**
 * The built packages, as a user gets them: `require` (CJS) and `import` (ESM) of `faultline` both
 * load, run a tiny simulation, and agree on its trace hash. Needs `pnpm build` first (`pnpm test` does it).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const body = (k: string) => `
const echo = { name: "echo", init: () => ({ state: 0, effects: [] }),
  step: (s, input) => input.type === "message" ? { state: s + 1, effects: [] }
    : { state: s, effects: [{ type: "send", to: "b", msg: "hi" }, { type: "reply", client: input.client, id: input.id, res: s }] } };
const r = ${k}.simulate({ seed: 1, nodes: [{ id: "a", protocol: echo }, { id: "b", protocol: echo }],
  workload: [{ at: 0, client: "c", node: "a", req: null }] });
console.log(JSON.stringify({ ok: r.ok, received: r.view.node("b").state, hash: r.traceHash,
  subpath: typeof sub }));`;

function run(args: string[]): { ok: boolean; received: number; hash: string; subpath: string } {
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" }));
}

describe("built package smoke test", () => {
  it("loads with require and import and gives the same run", () => {
    const cjs = run(["-e", `const k = require("faultline"); const sub = require("faultline/check");${body("k")}`]);
    const esm = run(["--input-type=module", "-e", `import * as k from "faultline"; import * as sub from "faultline/check";${body("k")}`]);
    expect(cjs).toMatchObject({ ok: true, received: 1, subpath: "object" });
    expect(cjs.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(esm).toEqual(cjs);
  });
});
