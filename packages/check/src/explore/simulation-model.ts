/**
 * A {@link Model} over kernel simulations: every state is a forked `Simulation`, every step one of
 * the kernel's own exploration hooks (`take` a pending event — deliver, drop or duplicate a
 * message, fire a timer, take a request — or `inject` a crash or restart). The explorer shares
 * the kernel's single step function: there is no second implementation of delivery or effects.
 *
 * Such models have no codec (a `Simulation` holds the protocol's closures), so they are explored
 * in one thread; their fingerprint is the kernel's canonical text plus the fault budget used,
 * hashed to 64 bits. Most of the time goes to the kernel's `fork` and `fingerprint`.
 *
 * State counts measured (BFS, complete unless a depth is given; one client request):
 *
 * | model | bounds | distinct states | generated | depth |
 * | --- | --- | ---: | ---: | ---: |
 * | 2PC, 2 participants | coordinator crashes ≤ 1, timers ≤ 1 | 4,494 | 15,947 | 18 |
 * | 2PC, 3 participants | any node crashes ≤ 1, no timers, no loss | 2,881 | 9,436 | 21 |
 * | 2PC, 3 participants | any node crashes ≤ 1, drops ≤ 1, no timers | 9,413 | 36,771 | 21 |
 * | 2PC, 3 participants | any node crashes ≤ 1, drops ≤ 1, duplicates ≤ 1, no timers | 83,194 | 440,155 | 21 |
 * | Raft, 3 nodes | any node crashes ≤ 1, timers ≤ 2 (n1, n2), depth ≤ 7 | 1,950 | 4,321 | 7 |
 * | Raft, 3 nodes | the same, depth ≤ 9 | 17,536 | 38,505 | 9 |
 */
import { Simulation, type NodeId, type PendingEvent, type SimulationOptions } from "@faultline/kernel";
import type { Model } from "./model.js";

/** Bounds of a {@link simulationModel}: the state space is finite only through them. */
export interface SimulationBounds {
  /** Messages that may be lost, in total (default 1). */
  readonly drops?: number;
  /** Messages that may be delivered twice, in total (default 1). */
  readonly duplicates?: number;
  /**
   * Node crashes, in total (default 0). A crashed node may restart at any step, and restarts
   * are not counted: a crash can land between any two steps of any node, persisted state
   * survives it and volatile state does not, as in a run.
   */
  readonly crashes?: number;
  /** Nodes that may crash (default: all). */
  readonly crashable?: readonly NodeId[];
  /** Timer firings, in total (default 4): timers re-arm forever, so they must be bounded. */
  readonly timers?: number;
  /** Nodes whose timers may fire (default: all); the others' timers count as not yet due. */
  readonly timerNodes?: readonly NodeId[];
}

/** A world and the fault budget it has used. */
export interface ExploredWorld {
  readonly sim: Simulation;
  readonly drops: number;
  readonly duplicates: number;
  readonly crashes: number;
  readonly timers: number;
}

function describe(e: PendingEvent): string {
  switch (e.kind) {
    case "deliver":
      return `${e.from}->${e.to} ${JSON.stringify(e.msg)}`;
    case "timer":
      return `${e.node} timer ${JSON.stringify(e.timer)}`;
    case "request":
      return `${e.client}->${e.node} ${JSON.stringify(e.req)}`;
    case "fault":
      return `fault ${JSON.stringify(e.action)}`;
    case "client-timeout":
      return `${e.client} times out`;
  }
}

/** Checks the bounds up front, naming the field that is wrong. */
function checkBounds(bounds: SimulationBounds, ids: readonly NodeId[]): void {
  if (typeof bounds !== "object" || bounds === null) throw new TypeError("simulationModel: bounds must be an object");
  for (const key of ["drops", "duplicates", "crashes", "timers"] as const) {
    const v = bounds[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new RangeError(`simulationModel: bounds.${key} must be an integer ≥ 0, got ${String(v)}`);
  }
  for (const key of ["crashable", "timerNodes"] as const) {
    const list = bounds[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new TypeError(`simulationModel: bounds.${key} must be an array of node ids`);
    const unknown = list.find((id) => !ids.includes(id));
    if (unknown !== undefined) throw new RangeError(`simulationModel: bounds.${key} names unknown node ${JSON.stringify(unknown)} (nodes: ${ids.join(", ")})`);
  }
}

/**
 * Builds a model from simulation options (nodes, invariants, workload, ...). The kernel's
 * invariants are checked after every step as usual; a run they stop becomes a violation.
 * Invariants that keep history in a closure must not be used here: branches share them.
 */
export function simulationModel(options: SimulationOptions, bounds: SimulationBounds = {}): Model<ExploredWorld> {
  return simulationModelFrom(new Simulation({ ...options, trace: { hash: false, keepLast: 16 } }), bounds);
}

/**
 * Like {@link simulationModel}, from a world already under way (run or stepped to an interesting
 * point): exploration then covers every continuation of it within the bounds.
 */
export function simulationModelFrom(start: Simulation, bounds: SimulationBounds = {}): Model<ExploredWorld> {
  checkBounds(bounds, start.nodes.map((n) => n.id));
  const { drops = 1, duplicates = 1, crashes = 0, timers = 4 } = bounds;
  const crashable = bounds.crashable ?? start.nodes.map((n) => n.id);
  return {
    init: () => [{ sim: start.fork(), drops: 0, duplicates: 0, crashes: 0, timers: 0 }],
    fingerprint: (w) => `${w.drops},${w.duplicates},${w.crashes},${w.timers}|${w.sim.fingerprint()}`,
    *next(w) {
      if (w.sim.isStopped) return;
      for (const e of w.sim.pendingEvents()) {
        if (e.kind === "timer") {
          if (w.timers >= timers || (bounds.timerNodes !== undefined && !bounds.timerNodes.includes(e.node))) continue;
          const sim = w.sim.fork();
          sim.take(e.seq);
          yield [describe(e), { ...w, sim, timers: w.timers + 1 }];
          continue;
        }
        const sim = w.sim.fork();
        sim.take(e.seq);
        yield [describe(e), { ...w, sim }];
        if (e.kind !== "deliver") continue;
        if (w.drops < drops) {
          const lost = w.sim.fork();
          lost.take(e.seq, "drop");
          yield [`lose ${describe(e)}`, { ...w, sim: lost, drops: w.drops + 1 }];
        }
        if (w.duplicates < duplicates) {
          const twice = w.sim.fork();
          twice.take(e.seq, "duplicate");
          yield [`duplicate ${describe(e)}`, { ...w, sim: twice, duplicates: w.duplicates + 1 }];
        }
      }
      for (const id of crashable) {
        const up = w.sim.node(id).up;
        if (up && w.crashes >= crashes) continue;
        const sim = w.sim.fork();
        sim.inject({ at: 0, type: up ? "crash" : "restart", node: id });
        yield [`${up ? "crash" : "restart"} ${id}`, { ...w, sim, crashes: w.crashes + (up ? 1 : 0) }];
      }
    },
    invariants: [
      {
        name: "kernel invariants",
        check: (w) => {
          if (!w.sim.isStopped) return undefined;
          const v = w.sim.result().violation;
          return v === undefined ? undefined : `${v.invariant}: ${v.message}`;
        },
      },
    ],
  };
}
