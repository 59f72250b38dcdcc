/**
 * Jepsen-style runs over real sockets: node processes on 127.0.0.1 whose every peer link goes
 * through a {@link LinkProxy} the test controls, a nemesis injecting kill -9, SIGSTOP/SIGCONT,
 * partitions, delays and stalls at random, and histories clients record with invoke/complete
 * times. Each node gets its own cluster file: its own real address, its peers' proxies.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cluster } from "@faultline/cli";
import { faultline, freePorts, type Proc } from "../procs.js";
import { LinkProxy } from "./proxy.js";

/** A seeded random source (mulberry32), so a run's fault schedule can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fault counts of a run. */
export type FaultCounts = Record<"kill" | "pause" | "partition" | "delay" | "hold", number>;

/** A cluster of node processes behind link proxies. */
export class ProxiedCluster {
  readonly direct: Cluster;
  private readonly proxies = new Map<string, LinkProxy>();
  private readonly procs = new Map<string, Proc | null>();
  private readonly paused = new Set<string>();
  private readonly dir = mkdtempSync(join(tmpdir(), "faultline-jepsen-"));

  private constructor(
    readonly kinds: Readonly<Record<string, { kind: string; args: string[] }>>,
    ports: number[],
  ) {
    const ids = Object.keys(kinds);
    this.direct = Object.fromEntries(ids.map((id, i) => [id, { host: "127.0.0.1", port: ports[i] as number }]));
  }

  /** Creates the proxies and cluster files (nothing started yet). */
  static async create(kinds: Record<string, { kind: string; args: string[] }>): Promise<ProxiedCluster> {
    const c = new ProxiedCluster(kinds, await freePorts(Object.keys(kinds).length));
    const secret = randomBytes(16).toString("hex");
    for (const from of c.ids) {
      const nodes: Record<string, { host: string; port: number }> = { [from]: c.direct[from] as { host: string; port: number } };
      for (const to of c.ids) {
        if (to === from) continue;
        const proxy = new LinkProxy((c.direct[to] as { port: number }).port);
        c.proxies.set(`${from}->${to}`, proxy);
        nodes[to] = { host: "127.0.0.1", port: await proxy.start() };
      }
      writeFileSync(c.fileOf(from), JSON.stringify({ cluster: "jepsen", secret, nodes }));
    }
    writeFileSync(join(c.dir, "clients.json"), JSON.stringify({ cluster: "jepsen", secret, nodes: c.direct }));
    return c;
  }

  /** Where each node's data directory lives (`<dataDir>/<id>`). */
  get dataDir(): string {
    return join(this.dir, "data");
  }

  get ids(): string[] {
    return Object.keys(this.kinds);
  }

  private fileOf(id: string): string {
    return join(this.dir, `cluster-${id}.json`);
  }

  /**
   * Starts (or restarts) a node and waits until it listens. Its port may have been taken
   * meanwhile (as an ephemeral port of some connection): then it tries again, a few times.
   */
  async start(id: string): Promise<void> {
    const { kind, args } = this.kinds[id] as { kind: string; args: string[] };
    for (let attempt = 1; ; attempt++) {
      const p = faultline([kind, "--id", id, "--cluster", this.fileOf(id), "--data", join(this.dir, "data", id), ...args]);
      this.procs.set(id, p);
      const deadline = Date.now() + 30_000;
      while (!p.output().includes('"msg":"listening"')) {
        if (p.child.exitCode !== null && p.output().includes("EADDRINUSE") && attempt < 10) break;
        if (Date.now() > deadline || p.child.exitCode !== null) throw new Error(`${id} did not start: ${p.output().slice(-2_000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      if (p.output().includes('"msg":"listening"')) return;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }

  /** Nodes up (started, not killed). */
  up(): string[] {
    return this.ids.filter((id) => this.procs.get(id)?.child.exitCode === null);
  }

  kill(id: string): void {
    this.procs.get(id)?.child.kill("SIGKILL");
    this.procs.set(id, null);
    this.paused.delete(id);
  }

  pause(id: string): void {
    this.procs.get(id)?.child.kill("SIGSTOP");
    this.paused.add(id);
  }

  resume(id: string): void {
    if (this.paused.delete(id)) this.procs.get(id)?.child.kill("SIGCONT");
  }

  /** Cuts every link to and from `id`. */
  isolate(id: string): void {
    for (const [link, p] of this.proxies) if (link.startsWith(`${id}->`) || link.endsWith(`->${id}`)) p.cut();
  }

  link(from: string, to: string): LinkProxy {
    return this.proxies.get(`${from}->${to}`) as LinkProxy;
  }

  /** Heals every link and resumes every paused node. */
  healAll(): void {
    for (const p of this.proxies.values()) p.heal();
    for (const id of [...this.paused]) this.resume(id);
  }

  /** Output of a node's current process. */
  output(id: string): string {
    return this.procs.get(id)?.output() ?? "";
  }

  async close(): Promise<void> {
    for (const id of this.ids) {
      this.resume(id);
      this.procs.get(id)?.child.kill("SIGKILL");
    }
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
  }
}

/**
 * Injects faults at random until `until` (host ms): kill -9 then restart, SIGSTOP then SIGCONT,
 * a node isolated by its links, a delayed link, a stalled link. At most one node is down or
 * paused at a time, so a majority can make progress between faults. Resolves with the counts
 * once every fault is undone and every node is up again.
 */
export async function nemesis(c: ProxiedCluster, until: number, random: () => number, log: (line: string) => void = () => undefined): Promise<FaultCounts> {
  const counts: FaultCounts = { kill: 0, pause: 0, partition: 0, delay: 0, hold: 0 };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const wait = (lo: number, hi: number) => new Promise((r) => setTimeout(r, lo + random() * (hi - lo)));
  while (Date.now() < until) {
    await wait(50, 250);
    const ids = c.ids;
    const fault = pick(["kill", "pause", "partition", "delay", "hold"] as const);
    const node = pick(ids);
    counts[fault]++;
    log(`${fault} ${node}`);
    switch (fault) {
      case "kill":
        c.kill(node);
        await wait(100, 600);
        await c.start(node);
        break;
      case "pause":
        c.pause(node);
        await wait(100, 800);
        c.resume(node);
        break;
      case "partition":
        c.isolate(node);
        await wait(200, 1_200);
        c.healAll();
        break;
      case "delay": {
        const other = pick(ids.filter((x) => x !== node));
        c.link(node, other).delay(20 + Math.floor(random() * 80));
        await wait(200, 800);
        c.link(node, other).heal();
        break;
      }
      case "hold": {
        const other = pick(ids.filter((x) => x !== node));
        c.link(node, other).hold();
        await wait(100, 500);
        c.link(node, other).release();
        break;
      }
    }
  }
  c.healAll();
  for (const id of c.ids) if (!c.up().includes(id)) await c.start(id);
  return counts;
}
