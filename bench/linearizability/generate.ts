/**
 * Porcupine-shaped histories, deterministic from a seed, in a JSON format both our checker and
 * the Go driver of porcupine (bench/porcupine-driver) read:
 *
 * - a compare-and-set register under Jepsen-like concurrency: 5–10 processes, values 0–4, some
 *   operations crash (no reply; the process is replaced by a new one, as Jepsen does) and may or
 *   may not have taken effect;
 * - key-value logs (get/put/append over 10–50 keys) with 10–50 clients, up to 20,000 operations.
 *
 * Each history comes from a real linearizable execution (every operation takes effect at a random
 * instant of its interval); the "bad" variant then corrupts one read, which usually (not always:
 * concurrency can excuse it) makes the history non-linearizable. The verdicts are the checkers'.
 */

/** One operation in the file format: `ret` and `output` for a reply, `outcome: "unknown"` for none. */
export type FileOperation =
  | { readonly client: number; readonly input: FileInput; readonly call: number; readonly ret: number; readonly output: unknown }
  | { readonly client: number; readonly input: FileInput; readonly call: number; readonly outcome: "unknown" };

/** Inputs of both models (a register read/write/cas on values or null; a store's get/put/append). */
export type FileInput =
  | { readonly op: "read" }
  | { readonly op: "write"; readonly value: number }
  | { readonly op: "cas"; readonly expect: number; readonly value: number }
  | { readonly op: "get"; readonly key: string }
  | { readonly op: "put" | "append"; readonly key: string; readonly value: string };

/** A history file. Register reads return a number or null (never written); gets return `{ value }` or `{}` (absent). */
export interface HistoryFile {
  readonly model: "cas-register" | "kv";
  readonly name: string;
  readonly ops: FileOperation[];
}

/** mulberry32, seeded from a string. */
function rng(seed: string): () => number {
  let a = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) a = Math.imul(a ^ seed.charCodeAt(i), 0x01000193);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Draft {
  client: number;
  input: FileInput;
  call: number;
  ret: number | undefined;
  /** When it took effect; undefined: never. */
  at: number | undefined;
  output?: unknown;
}

/** Closed-loop processes issuing `perClient` operations each; a crashed one is replaced by process `p + clients`. */
function schedule(random: () => number, clients: number, perClient: number, crashRate: number, maxLatency: number, input: (random: () => number) => FileInput): Draft[] {
  const drafts: Draft[] = [];
  for (let lane = 0; lane < clients; lane++) {
    let process = lane;
    let t = Math.floor(random() * 5);
    for (let k = 0; k < perClient; k++) {
      const latency = random() < 0.05 ? 0 : Math.floor(1 + random() * random() * maxLatency);
      const crashed = random() < crashRate;
      const at = t + random() * (crashed ? 200 : latency);
      drafts.push({ client: process, input: input(random), call: t, ret: crashed ? undefined : t + latency, at: crashed && random() < 0.5 ? undefined : at });
      if (crashed) {
        process += clients;
        t += 20 + Math.floor(random() * 20);
      } else t += latency + Math.floor(random() * 4);
    }
  }
  return drafts;
}

/** Applies the operations that took effect in the order they did, filling in outputs. */
function execute(drafts: Draft[], apply: (d: Draft) => unknown): void {
  const order = drafts.map((_, i) => i).filter((i) => drafts[i]?.at !== undefined);
  order.sort((a, b) => (drafts[a]?.at as number) - (drafts[b]?.at as number) || a - b);
  for (const i of order) {
    const d = drafts[i] as Draft;
    d.output = apply(d);
  }
}

function toFile(model: HistoryFile["model"], name: string, drafts: Draft[]): HistoryFile {
  drafts.sort((a, b) => a.call - b.call);
  const ops = drafts.map((d): FileOperation => (d.ret === undefined ? { client: d.client, input: d.input, call: d.call, outcome: "unknown" } : { client: d.client, input: d.input, call: d.call, ret: d.ret, output: d.output ?? null }));
  return { model, name, ops };
}

/** A Jepsen-like compare-and-set register history; `bad` corrupts one read. */
export function casRegisterHistory(seed: string, options: { clients: number; perClient: number; bad: boolean; crashRate?: number }): HistoryFile {
  const random = rng(seed);
  const drafts = schedule(random, options.clients, options.perClient, options.crashRate ?? 0.08, 40, (r) => {
    const x = r();
    if (x < 0.4) return { op: "read" };
    if (x < 0.7) return { op: "write", value: Math.floor(r() * 5) };
    return { op: "cas", expect: Math.floor(r() * 5), value: Math.floor(r() * 5) };
  });
  let value: number | null = null;
  const seen: (number | null)[] = [null];
  execute(drafts, (d) => {
    if (d.input.op === "read") return value;
    if (d.input.op === "write") {
      value = d.input.value;
      seen.push(value);
      return null;
    }
    if (d.input.op !== "cas") throw new Error("not a register operation");
    const swapped = value === d.input.expect;
    if (swapped) {
      value = d.input.value;
      seen.push(value);
    }
    return swapped;
  });
  if (options.bad) {
    const reads = drafts.filter((d) => d.input.op === "read" && d.ret !== undefined && d.at !== undefined);
    const victim = reads[Math.floor(reads.length * (0.3 + random() * 0.6))] as Draft;
    victim.output = victim.output === null ? 0 : ((victim.output as number) + 1 + Math.floor(random() * 4)) % 5;
  }
  return toFile("cas-register", seed, drafts);
}

/** A key-value log of get/put/append over 10 keys; `bad` makes one get miss the last append before it. */
export function kvHistory(seed: string, options: { clients: number; ops: number; bad: boolean; keys?: number }): HistoryFile {
  const random = rng(seed);
  const keys = options.keys ?? 10;
  let written = 0;
  const drafts = schedule(random, options.clients, Math.ceil(options.ops / options.clients), 0, 12, (r) => {
    const key = String(Math.floor(r() * keys));
    const x = r();
    if (x < 0.45) return { op: "get", key };
    return { op: x < 0.5 ? "put" : "append", key, value: `x ${written++} y` };
  });
  drafts.length = Math.min(drafts.length, options.ops);
  const store = new Map<string, string>();
  execute(drafts, (d) => {
    const input = d.input as { op: string; key: string; value?: string };
    if (input.op === "get") return store.has(input.key) ? { value: store.get(input.key) } : {};
    store.set(input.key, input.op === "put" ? (input.value as string) : (store.get(input.key) ?? "") + (input.value as string));
    return {};
  });
  if (options.bad) {
    const gets = drafts.filter((d) => d.input.op === "get" && (d.output as { value?: string }).value !== undefined && ((d.output as { value: string }).value.length ?? 0) > 12);
    const victim = gets[Math.floor(gets.length * (0.3 + random() * 0.6))] as Draft;
    const v = (victim.output as { value: string }).value;
    victim.output = { value: v.slice(0, v.lastIndexOf("x ", v.length - 2)) }; // misses the last append
  }
  return toFile("kv", seed, drafts);
}

/** The bench's set: 16 register histories and 8 key-value logs (ok and bad of each shape). */
export function benchHistories(): HistoryFile[] {
  const files: HistoryFile[] = [];
  for (let i = 0; i < 8; i++) {
    const clients = 5 + (i % 6);
    for (const bad of [false, true]) files.push(casRegisterHistory(`cas-${i}-${bad ? "bad" : "ok"}`, { clients, perClient: Math.floor(150 / clients) + 10, bad }));
  }
  for (const [clients, ops, keys] of [
    [10, 2_000, 10],
    [50, 2_000, 20],
    [25, 10_000, 25],
    [50, 20_000, 50],
  ] as const) {
    for (const bad of [false, true]) files.push(kvHistory(`kv-c${clients}-${ops}-${bad ? "bad" : "ok"}`, { clients, ops, bad, keys }));
  }
  return files;
}
