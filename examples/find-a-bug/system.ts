/**
 * The dispensers as a system the `faultline` command can run, sweep and replay:
 *
 *   faultline sweep examples/find-a-bug/system.ts --runs 200
 *   faultline replay <token> --system examples/find-a-bug/system.ts --html dispensers.html
 *
 * A drawn configuration is how many tickets are taken and how fast; the sweep adds crashes,
 * partitions and pauses. `FIXED=1` in the environment sweeps the fixed dispensers instead.
 */
import fc from "fast-check";
import { defineSystem, sometimes } from "faultline/check";
import { buggyDispensers, fixedDispensers } from "./dispenser.js";

/** One drawn configuration: tickets taken and the gap between them. */
export interface DispenserConfig {
  readonly takes: number;
  readonly gapMs: number;
}

/** The search space of the dispensers (the default export the command loads). */
const system = defineSystem<DispenserConfig>({
  name: "dispensers",
  config: fc.record({ takes: fc.integer({ min: 1, max: 30 }), gapMs: fc.integer({ min: 5, max: 80 }) }),
  defaultConfig: { takes: 20, gapMs: 40 },
  faultWindowMs: 1_500,
  runMs: 2_500,
  build: (c) => {
    const sut = process.env.FIXED === "1" ? fixedDispensers() : buggyDispensers();
    const ids = sut.nodes.map((n) => n.id);
    return {
      nodes: sut.nodes,
      invariants: sut.invariants ?? [],
      workload: Array.from({ length: c.takes }, (_, i) => ({ at: 10 + i * c.gapMs, client: `c${i % 2}`, node: ids[i % ids.length] as string, req: { take: true as const } })),
    };
  },
  sometimes: [sometimes("a dispenser restarted", (v) => v.nodes.some((n) => n.restarts > 0))],
});
export default system;
