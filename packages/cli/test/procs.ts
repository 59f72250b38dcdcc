/** Spawning real `faultline` processes on 127.0.0.1 for tests, examples and benches. */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const bin = join(root, "packages/cli/src/bin.ts");

// One helper for free loopback ports, shared with the TCP package's tests.
export { freePorts } from "../../tcp/test/helpers.js";
import { freePorts } from "../../tcp/test/helpers.js";

/** A cluster of `ids` on fresh ports (with its own cluster id and secret), written to a temp dir with a data dir per node. */
export async function makeCluster(ids: string[], extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "faultline-cli-"));
  const ports = await freePorts(ids.length);
  const nodes = Object.fromEntries(ids.map((id, i) => [id, { host: "127.0.0.1", port: ports[i] as number }]));
  const file = join(dir, "cluster.json");
  const secret = randomBytes(16).toString("hex");
  const clusterId = `test-${randomBytes(4).toString("hex")}`;
  writeFileSync(file, JSON.stringify({ cluster: clusterId, secret, nodes, ...extra }));
  return { dir, file, nodes, secret, clusterId, data: (id: string) => join(dir, "data", id) };
}

/** A spawned process and its output. */
export interface Proc {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

const all = new Set<ChildProcess>();

/** Runs `faultline <args>` from source. */
export function faultline(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", bin, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  all.add(child);
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => (all.delete(child), resolve(code))));
  return { child, output: () => out, exited };
}

/** Starts a node process and waits until it listens. */
export async function startProcess(kind: string, id: string, cluster: { file: string; data: (id: string) => string }, extra: string[] = []): Promise<Proc> {
  const p = faultline([kind, "--id", id, "--cluster", cluster.file, "--data", cluster.data(id), ...extra]);
  const deadline = Date.now() + 40_000; // generous: a loaded machine starts tsx slowly
  while (!/"msg":"listening"|INFO.*listening/.test(p.output())) {
    if (Date.now() > deadline || p.child.exitCode !== null) throw new Error(`${kind} ${id} did not start: ${p.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return p;
}

/** Kills every process these helpers started (kill -9). */
export function killAll(): void {
  for (const c of all) c.kill("SIGKILL");
  all.clear();
}
