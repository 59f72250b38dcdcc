// The kernel bench's two loops (bench/kernel.ts), in plain JavaScript so that
// bench/kernel-instructions.ts can run them under valgrind in plain Node: no loader thread, whose
// timing would change the counts from run to run.
//   node --predictable --single-threaded bench/kernel-ring.mjs --part=warm-up|kernel|bare|warm-up-agenda|bare-agenda --events=N
import { EventAgenda, EventQueue, Simulation, createRng } from "faultline";

const NODES = 8;
const TOKENS = 4_096;
const ids = Array.from({ length: NODES }, (_, i) => `n${i}`);

/** Node `i` forwards every token to the next node; its step result is preallocated, so the protocol costs ~nothing. */
function ringNode(i) {
  const forward = { state: null, effects: [{ type: "send", to: ids[(i + 1) % NODES], msg: 0 }] };
  return {
    name: "ring",
    init: (ctx) => ({ state: null, effects: Array.from({ length: TOKENS / NODES }, () => ({ type: "send", to: ctx.self, msg: 0 })) }),
    step: () => forward,
  };
}

/** The kernel's token ring, booted (its first sends queued), stopping after `events` events. */
export function ringSimulation(events, hash) {
  const sim = new Simulation({
    seed: "bench",
    nodes: ids.map((id, i) => ({ id, protocol: ringNode(i) })),
    network: { minLatencyMs: 1, maxLatencyMs: 10 },
    maxEvents: events,
    maxTimeMs: Number.MAX_SAFE_INTEGER,
    trace: { hash, keepLast: 64 },
  });
  sim.runUntil(0);
  return sim;
}

/**
 * The same token ring with nothing but a queue (a binary heap, or the `agenda` the kernel queues
 * its events in), a random latency and a counter: its tokens queued, and the loop that runs
 * `events` events.
 */
export function bareRing(events, kind = "heap") {
  const rng = createRng("bench", "network");
  const queue = kind === "agenda" ? new EventAgenda() : new EventQueue();
  let seq = 0;
  for (let t = 0; t < TOKENS; t++) queue.push({ time: 1 + Math.floor(rng.next() * 10), seq: ++seq, to: t % NODES });
  return () => {
    for (let processed = 0; processed < events; processed++) {
      const e = queue.pop();
      queue.push({ time: e.time + 1 + Math.floor(rng.next() * 10), seq: ++seq, to: (e.to + 1) % NODES });
    }
  };
}

/**
 * As a child of kernel-instructions.ts: warm the loops up (as the timed bench does), then run one
 * part. The agenda's bare loop is warmed up only for its own parts ("warm-up-agenda",
 * "bare-agenda"): its plain events in the kernel's queue code would make that code slower for the
 * kernel's own events, which the timed bench never does.
 */
function runPart(part, events) {
  const agenda = part === "warm-up-agenda" || part === "bare-agenda";
  for (let round = 0; round < 2; round++) {
    ringSimulation(300_000, true).run();
    bareRing(300_000)();
    if (agenda) bareRing(300_000, "agenda")();
  }
  if (part === "kernel") {
    const sim = ringSimulation(events, true);
    sim.run();
    if (sim.events !== events) throw new Error(`the kernel ran ${sim.events} events, expected ${events}`);
  } else if (part === "bare" || part === "bare-agenda") {
    bareRing(events, agenda ? "agenda" : "heap")();
  } else if (part !== "warm-up" && part !== "warm-up-agenda") {
    throw new Error(`--part must be warm-up, kernel, bare, warm-up-agenda or bare-agenda, got ${part}`);
  }
}

const part = process.argv.find((a) => a.startsWith("--part="))?.slice(7);
if (part !== undefined) runPart(part, Number(process.argv.find((a) => a.startsWith("--events="))?.slice(9) ?? 300_000));
