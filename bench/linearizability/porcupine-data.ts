/**
 * Porcupine's own test data, read from a porcupine copy outside the repository (see
 * `porcupine.ts`): the Jepsen logs of etcd (`test_data/jepsen/etcd_NNN.log`, a compare-and-set
 * register) and the key-value logs (`test_data/kv/*.txt`), with the verdicts porcupine's tests
 * expect of them (`porcupine_test.go`). Parsed as porcupine's tests parse them: an operation that
 * never returns (a crashed process) or a read that timed out has an unknown outcome.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { FileInput, FileOperation, HistoryFile } from "./generate.js";

/** One log of porcupine's test data, as a history file, and the verdict porcupine's tests expect. */
export interface PorcupineTestLog extends HistoryFile {
  readonly expected: "ok" | "illegal";
}

type Open = { client: number; input: FileInput; call: number };

/** Builds the operations of a log from its lines, given how to read a line: an invocation, a reply (its output), or a timeout. */
function operations(lines: readonly string[], read: (line: string) => { proc: number; invoke?: FileInput; output?: unknown; timedOut?: true } | undefined): FileOperation[] {
  const open = new Map<number, Open>();
  const ops: FileOperation[] = [];
  lines.forEach((line, t) => {
    const e = read(line);
    if (e === undefined) return;
    if (e.invoke !== undefined) return void open.set(e.proc, { client: e.proc, input: e.invoke, call: t });
    const o = open.get(e.proc);
    if (o === undefined) return;
    open.delete(e.proc);
    ops.push(e.timedOut ? { ...o, outcome: "unknown" } : { ...o, ret: t, output: e.output });
  });
  for (const o of open.values()) ops.push({ ...o, outcome: "unknown" });
  return ops;
}

const jepsen = (pattern: string) => new RegExp(`^INFO\\s+jepsen\\.util\\s+-\\s+(\\d+)\\s+${pattern}$`);
const JEPSEN = {
  read: jepsen(":invoke\\s+:read\\s+nil"),
  write: jepsen(":invoke\\s+:write\\s+(\\d+)"),
  cas: jepsen(":invoke\\s+:cas\\s+\\[(\\d+)\\s+(\\d+)\\]"),
  readOk: jepsen(":ok\\s+:read\\s+(nil|\\d+)"),
  writeOk: jepsen(":ok\\s+:write\\s+(\\d+)"),
  casDone: jepsen(":(ok|fail)\\s+:cas\\s+\\[(\\d+)\\s+(\\d+)\\]"),
  readTimeout: jepsen(":fail\\s+:read\\s+:timed-out"),
};

function readJepsen(line: string): ReturnType<Parameters<typeof operations>[1]> {
  let m: RegExpExecArray | null;
  if ((m = JEPSEN.read.exec(line))) return { proc: Number(m[1]), invoke: { op: "read" } };
  if ((m = JEPSEN.write.exec(line))) return { proc: Number(m[1]), invoke: { op: "write", value: Number(m[2]) } };
  if ((m = JEPSEN.cas.exec(line))) return { proc: Number(m[1]), invoke: { op: "cas", expect: Number(m[2]), value: Number(m[3]) } };
  if ((m = JEPSEN.readOk.exec(line))) return { proc: Number(m[1]), output: m[2] === "nil" ? null : Number(m[2]) };
  if ((m = JEPSEN.writeOk.exec(line))) return { proc: Number(m[1]), output: null };
  if ((m = JEPSEN.casDone.exec(line))) return { proc: Number(m[1]), output: m[2] === "ok" };
  if ((m = JEPSEN.readTimeout.exec(line))) return { proc: Number(m[1]), timedOut: true };
  return undefined;
}

const KV = {
  get: /{:process (\d+), :type :invoke, :f :get, :key "(.*)", :value nil}/,
  put: /{:process (\d+), :type :invoke, :f :(put|append), :key "(.*)", :value "(.*)"}/,
  getOk: /{:process (\d+), :type :ok, :f :get, :key ".*", :value "(.*)"}/,
  putOk: /{:process (\d+), :type :ok, :f :(put|append), :key ".*", :value ".*"}/,
};

function readKv(line: string): ReturnType<Parameters<typeof operations>[1]> {
  let m: RegExpExecArray | null;
  if ((m = KV.get.exec(line))) return { proc: Number(m[1]), invoke: { op: "get", key: m[2] as string } };
  if ((m = KV.put.exec(line))) return { proc: Number(m[1]), invoke: { op: m[2] as "put" | "append", key: m[3] as string, value: m[4] as string } };
  // Porcupine's store starts every key at "": a get of "" is a get of a key never written.
  if ((m = KV.getOk.exec(line))) return { proc: Number(m[1]), output: m[2] === "" ? {} : { value: m[2] } };
  if ((m = KV.putOk.exec(line))) return { proc: Number(m[1]), output: {} };
  return undefined;
}

/** Every log porcupine's tests check, with their expected verdicts; empty when `dir` has no porcupine test data. */
export function porcupineTestLogs(dir: string): PorcupineTestLog[] {
  const tests = join(dir, "porcupine_test.go");
  if (!existsSync(tests) || !existsSync(join(dir, "test_data"))) return [];
  const source = readFileSync(tests, "utf8");
  const logs: PorcupineTestLog[] = [];
  for (const m of source.matchAll(/checkJepsen\(t, (\d+), (true|false)\)/g)) {
    const name = `etcd_${(m[1] as string).padStart(3, "0")}`;
    const lines = readFileSync(join(dir, "test_data/jepsen", `${name}.log`), "utf8").split("\n");
    logs.push({ model: "cas-register", name, ops: operations(lines, readJepsen), expected: m[2] === "true" ? "ok" : "illegal" });
  }
  const kv = new Set(readdirSync(join(dir, "test_data/kv")));
  for (const m of source.matchAll(/checkKv\(t, "([\w-]+)", (true|false), true\)/g)) {
    const name = m[1] as string;
    if (!kv.has(`${name}.txt`)) continue;
    const lines = readFileSync(join(dir, "test_data/kv", `${name}.txt`), "utf8").split("\n");
    logs.push({ model: "kv", name: `kv ${name}`, ops: operations(lines, readKv), expected: m[2] === "true" ? "ok" : "illegal" });
  }
  return logs;
}
