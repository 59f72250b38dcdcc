/**
 * fast-check arbitraries for runs: seeds, fault plans and client workloads. Every generated
 * action is valid on its own and every plan ends calm, so any subset of a plan is a plan too:
 * fast-check shrinks by removing actions and workload steps and by moving times towards 0.
 */
import fc from "fast-check";
import { FAULT_KINDS, PLAN_RANGES, calmDown, checkPlanOptions, type FaultAction, type PlanOptions, type FaultKind, type FaultPlan, type LinkConfig, type NodeId, type Workload, type WorkloadOp } from "@faultline/kernel";

/** A seed for the kernel's streams. */
export function seedArbitrary(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 2 ** 31 - 1 });
}

/** What {@link planArbitrary} may generate: the same options as the kernel's `generatePlan`. */
export type PlanArbitraryOptions = PlanOptions;

/**
 * One fault: an outage with its end (crash then restart, pause then resume, a partition or a
 * one-way block then heal, a network change then the baseline back), or a clock jump. Kept as a
 * unit, so shrinking removes a fault whole and shortens it by moving its end closer.
 */
function faultArbitrary(nodes: readonly NodeId[], durationMs: number, kinds: readonly FaultKind[], baseline: Partial<LinkConfig>): fc.Arbitrary<FaultAction[]> {
  const window = fc.integer({ min: 0, max: durationMs - 1 }).chain((at) => fc.record({ at: fc.constant(at), end: fc.integer({ min: at + 1, max: durationMs }) }));
  const node = fc.constantFrom(...nodes);
  const byKind: Record<FaultKind, fc.Arbitrary<FaultAction[]>> = {
    crash: fc.record({ w: window, node }).map(({ w, node }): FaultAction[] => [
      { at: w.at, type: "crash", node },
      { at: w.end, type: "restart", node },
    ]),
    partition: fc
      .record({ w: window, cut: fc.shuffledSubarray([...nodes], { minLength: 1, maxLength: Math.max(1, nodes.length - 1) }) })
      .map(({ w, cut }): FaultAction[] => [
        { at: w.at, type: "partition", groups: [cut, nodes.filter((n) => !cut.includes(n))] },
        { at: w.end, type: "heal" },
      ]),
    block: fc
      .record({ w: window, from: node, to: node })
      .filter((a) => a.from !== a.to)
      .map(({ w, from, to }): FaultAction[] => [
        { at: w.at, type: "block", from, to },
        { at: w.end, type: "heal" },
      ]),
    pause: fc.record({ w: window, node }).map(({ w, node }): FaultAction[] => [
      { at: w.at, type: "pause", node },
      { at: w.end, type: "resume", node },
    ]),
    clock: fc
      .record({ at: fc.integer({ min: 0, max: durationMs - 1 }), node, offsetMs: fc.integer(PLAN_RANGES.clockOffsetMs), drift: fc.integer(PLAN_RANGES.clockDriftPerMille) })
      .map(({ at, node, offsetMs, drift }): FaultAction[] => [{ at, type: "clock", node, offsetMs, drift: drift / 1000 }]),
    network: fc
      .record({ w: window, drop: fc.integer(PLAN_RANGES.dropPercent), dup: fc.integer(PLAN_RANGES.duplicatePercent), reorder: fc.integer(PLAN_RANGES.reorderPercent) })
      .map(({ w, drop, dup, reorder }): FaultAction[] => [
        { at: w.at, type: "network", dropRate: drop / 100, duplicateRate: dup / 100, reorderRate: reorder / 100 },
        { at: w.end, type: "network", dropRate: 0, duplicateRate: 0, reorderRate: 0, ...baseline },
      ]),
  };
  return fc.oneof(...kinds.map((k) => byKind[k]));
}

/** Keeps at most `maxDown` nodes crashed at once (later crashes that would exceed it go). */
function limitDown(actions: readonly FaultAction[], maxDown: number): FaultAction[] {
  const down = new Set<NodeId>();
  const out: FaultAction[] = [];
  for (const a of actions) {
    if (a.type === "crash") {
      if (down.has(a.node) || down.size >= maxDown) continue;
      down.add(a.node);
    } else if (a.type === "restart") {
      if (!down.has(a.node)) continue;
      down.delete(a.node);
    }
    out.push(a);
  }
  return out;
}

/** Random fault plans, sorted by time, ending calm at `durationMs`. */
export function planArbitrary(options: PlanArbitraryOptions): fc.Arbitrary<FaultPlan> {
  checkPlanOptions(options);
  const { nodes, durationMs, maxActions = 8, kinds = FAULT_KINDS } = options;
  const maxDown = options.maxDown ?? Math.floor((nodes.length - 1) / 2);
  return fc
    .array(faultArbitrary(nodes, durationMs, kinds, options.baseline ?? {}), { maxLength: maxActions })
    .map((faults) => [...limitDown(faults.flat().sort((a, b) => a.at - b.at), maxDown), ...calmDown(durationMs, nodes, options.baseline)]);
}

/** What {@link workloadArbitrary} may generate. */
export interface WorkloadArbitraryOptions<Req> {
  /** The nodes clients may ask. */
  readonly nodes: readonly NodeId[];
  /** Requests come in [0, durationMs). */
  readonly durationMs: number;
  /** The requests. */
  readonly request: fc.Arbitrary<Req>;
  /** Client names (default "c1", "c2"). */
  readonly clients?: readonly string[];
  readonly minOps?: number;
  /** Most requests (default 10). */
  readonly maxOps?: number;
}

/** Random open-loop workloads, sorted by time. */
export function workloadArbitrary<Req>(options: WorkloadArbitraryOptions<Req>): fc.Arbitrary<Workload<Req>> {
  const { nodes, durationMs, request, clients = ["c1", "c2"], minOps = 0, maxOps = 10 } = options;
  const op: fc.Arbitrary<WorkloadOp<Req>> = fc.record({
    at: fc.integer({ min: 0, max: durationMs - 1 }),
    client: fc.constantFrom(...clients),
    node: fc.constantFrom(...nodes),
    req: request,
  });
  return fc.array(op, { minLength: minOps, maxLength: maxOps }).map((ops) => [...ops].sort((a, b) => a.at - b.at));
}
