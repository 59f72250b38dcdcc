/**
 * The etcd reference for the TCP row: etcd itself, 3 members on loopback with their data on the
 * same disk, loaded the way `tcp.ts` loads Faultline's Raft nodes (64 closed-loop clients over 8
 * connections to the leader, each putting its own key), beside the same raw write+fsync probe.
 * It says what "commits per raw fsync" a mature Raft store reaches on this machine, so the TCP
 * row's ratio can be read against it instead of against a number alone.
 *
 * Nothing of etcd is in this repository. The bench uses Debian's packages when they are installed
 * (`apt-get install etcd-server golang-go golang-etcd-server-dev`: the server, Go, and the v3
 * client's source) and builds `etcd-reference/main.go` against that source in a temporary
 * GOPATH (GO111MODULE=off, GOPROXY=off: nothing is downloaded). Without them it prints one row
 * saying what is missing. Run: `node --import tsx bench/run.ts --only=tcp,etcd`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuMsOf, rawFsyncPerSecond } from "./host.js";
import { round3, type BenchRow } from "./row.js";

/** Where Debian's golang-etcd-server-dev puts the client's source (`ETCD_GOPATH` to use another GOPATH). */
const GOPATH = process.env.ETCD_GOPATH ?? "/usr/share/gocode";

/** Seconds of load before and during the measured loop: the TCP row's defaults (`FAULTLINE_TCP_WARMUP`, `FAULTLINE_TCP_SECONDS`). */
const WARMUP = Number(process.env.FAULTLINE_TCP_WARMUP ?? 4);
const SECONDS = Number(process.env.FAULTLINE_TCP_SECONDS ?? 3);

/** What the driver prints at the end of its measured loop. */
interface DriverResult {
  readonly puts: number;
  readonly seconds: number;
  readonly cpuMs: number;
  readonly leader: string;
}

/** Builds the driver; returns its path, or why the reference cannot run here. */
function buildDriver(work: string): { driver: string } | { absent: string } {
  if (spawnSync("etcd", ["--version"]).status !== 0) return { absent: "no etcd on PATH (apt-get install etcd-server)" };
  if (spawnSync("go", ["version"]).status !== 0) return { absent: "no go toolchain on PATH (apt-get install golang-go)" };
  if (!existsSync(join(GOPATH, "src/go.etcd.io/etcd/clientv3"))) return { absent: `no etcd v3 client source under ${GOPATH} (apt-get install golang-etcd-server-dev)` };
  const src = join(work, "src/reference");
  mkdirSync(src, { recursive: true });
  copyFileSync(fileURLToPath(new URL("etcd-reference/main.go", import.meta.url)), join(src, "main.go"));
  const env = { ...process.env, GO111MODULE: "off", GOPATH: `${work}:${GOPATH}`, GOPROXY: "off", GOTOOLCHAIN: "local", GOFLAGS: "" };
  const built = spawnSync("go", ["build", "-o", join(work, "driver"), "reference"], { cwd: work, env, encoding: "utf8" });
  if (built.status !== 0) return { absent: `the driver did not build: ${built.stderr.trim().split("\n").slice(0, 3).join(" / ")}` };
  return { driver: join(work, "driver") };
}

/** A port free on 127.0.0.1 now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts 3 etcd members on loopback, data under `work`; resolves with them and their client URLs. */
async function startMembers(work: string): Promise<{ members: ChildProcess[]; endpoints: string[] }> {
  const ports: number[] = [];
  for (let i = 0; i < 6; i++) ports.push(await freePort());
  const names = ["e1", "e2", "e3"];
  const peer = (i: number) => `http://127.0.0.1:${ports[i] as number}`;
  const client = (i: number) => `http://127.0.0.1:${ports[3 + i] as number}`;
  const initial = names.map((n, i) => `${n}=${peer(i)}`).join(",");
  const members = names.map((name, i) =>
    spawn(
      "etcd",
      ["--name", name, "--data-dir", join(work, name), "--listen-peer-urls", peer(i), "--initial-advertise-peer-urls", peer(i), "--listen-client-urls", client(i), "--advertise-client-urls", client(i), "--initial-cluster", initial, "--initial-cluster-state", "new", "--logger", "zap", "--log-level", "error"],
      { stdio: ["ignore", "ignore", "inherit"] },
    ),
  );
  return { members, endpoints: names.map((_, i) => client(i)) };
}

/** Runs the driver; CPU of the members is read when it starts measuring and when it prints its result. */
function load(driver: string, endpoints: readonly string[], members: readonly ChildProcess[]): Promise<DriverResult & { membersMs: number }> {
  const membersCpu = () => members.reduce((sum, m) => sum + cpuMsOf(m.pid), 0);
  return new Promise((resolve, reject) => {
    const child = spawn(driver, ["-endpoints", endpoints.join(","), "-clients", "64", "-conns", "8", "-warmup", String(WARMUP), "-seconds", String(SECONDS)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let before = Number.NaN;
    let result: (DriverResult & { membersMs: number }) | undefined;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      let nl: number;
      while ((nl = out.indexOf("\n")) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line === "measuring") before = membersCpu();
        else if (line.startsWith("{")) result = { ...(JSON.parse(line) as DriverResult), membersMs: membersCpu() - before };
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 && result !== undefined ? resolve(result) : reject(new Error(`the etcd driver exited with ${code}`))));
  });
}

/** Puts per second of a 3-member etcd on this machine, beside the raw write+fsync rate; one row saying why when etcd is not installed. */
export async function benchEtcd(): Promise<BenchRow[]> {
  const work = mkdtempSync(join(tmpdir(), "faultline-etcd-"));
  let members: ChildProcess[] = [];
  try {
    const built = buildDriver(work);
    if ("absent" in built) {
      process.stderr.write(`etcd reference absent: ${built.absent}\n`);
      return [{ name: `etcd reference absent (${built.absent})`, value: 0, unit: "" }];
    }
    const version = spawnSync("etcd", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0]?.replace("etcd Version: ", "") ?? "?";
    const started = await startMembers(work);
    members = started.members;
    const before = rawFsyncPerSecond();
    const r = await load(built.driver, started.endpoints, members);
    const after = rawFsyncPerSecond();
    const rate = r.puts / r.seconds;
    const raw = (before.rate + after.rate) / 2;
    const shape = `etcd ${version}, 3 members, loopback, 64 clients over 8 connections`;
    const membersUs = (r.membersMs * 1000) / r.puts;
    const clientUs = (r.cpuMs * 1000) / r.puts;
    return [
      { name: `etcd puts per second (${shape})`, value: round3(rate), unit: "puts/s" },
      { name: "raw write+fsync per second on the same disk (just before and after the etcd row)", value: round3(raw), unit: "fsyncs/s" },
      { name: `etcd puts per raw fsync (${shape}; compare the tcp raft row's)`, value: round3(rate / raw), unit: "x" },
      { name: `etcd CPU per put, the 3 members (${shape}; Linux /proc; 10 ms ticks)`, value: round3(membersUs), unit: "µs" },
      { name: `etcd CPU per put, the clients' process (${shape})`, value: round3(clientUs), unit: "µs" },
      { name: `etcd puts per second the CPU allows (${availableParallelism()} cores * 1e6 / CPU per put of the members and the clients)`, value: round3((availableParallelism() * 1e6) / (membersUs + clientUs)), unit: "puts/s" },
    ];
  } finally {
    for (const m of members) m.kill("SIGKILL");
    await Promise.all(members.map((m) => (m.exitCode !== null || m.signalCode !== null ? undefined : new Promise((resolve) => m.once("exit", resolve)))));
    rmSync(work, { recursive: true, force: true });
  }
}
