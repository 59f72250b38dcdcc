/**
 * Measuring the clock-offset estimate against the truth: the simulator knows the skew and drift
 * it applies to each node's clock, so the error of a broker's SNTP-style estimate is exact.
 */
import { Simulation } from "@faultline/kernel";
import { pubsubCluster } from "./cluster.js";
import type { BrokerState } from "./node.js";
import { bestSample } from "./time/sntp.js";

/** One setting: n2's clock against n1's (n1 runs on true time). */
export interface OffsetScenario {
  /** n2's clock offset at start, ms. */
  readonly skewMs: number;
  /** n2's drift: its clock runs `1 + drift` times as fast. */
  readonly drift: number;
  /** Message loss rate on every link. */
  readonly loss: number;
  /** Extra one-way latency from n2 back to n1, ms (NTP's blind spot: asymmetry). */
  readonly asymmetryMs?: number;
  /** Seeds to run (default 5); the row aggregates them. */
  readonly seeds?: number;
  /** Virtual run length (default 5000 ms). */
  readonly durationMs?: number;
}

/** The estimate's error over the seeds of a {@link OffsetScenario}. */
export interface OffsetRow extends OffsetScenario {
  /** Mean and largest |estimate - true offset| at the time of the chosen sample, ms. */
  readonly meanErrorMs: number;
  readonly maxErrorMs: number;
  /** Mean error bound the estimator claims (half the chosen sample's round trip), ms. */
  readonly meanBoundMs: number;
  /** Seeds whose error exceeded the claimed bound (the bound assumes nothing of symmetry, so: none). */
  readonly outsideBound: number;
}

/** Runs the scenario's seeds and measures n1's estimate of n2's clock offset. */
export function measureOffsetError(s: OffsetScenario): OffsetRow {
  const seeds = s.seeds ?? 5;
  const cluster = pubsubCluster({ nodes: 3 });
  let sum = 0;
  let max = 0;
  let bound = 0;
  let outside = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const sim = new Simulation({
      seed: `offset-${seed}`,
      nodes: cluster.nodes,
      network: {
        minLatencyMs: 1,
        maxLatencyMs: 10,
        dropRate: s.loss,
        duplicateRate: 0,
        reorderRate: 0,
        links: s.asymmetryMs ? [{ from: "n2", to: "n1", minLatencyMs: 1 + s.asymmetryMs, maxLatencyMs: 10 + s.asymmetryMs }] : [],
      },
      clocks: { n2: { offsetMs: s.skewMs, drift: s.drift } },
      maxTimeMs: s.durationMs ?? 5_000,
    });
    sim.runUntil(s.durationMs ?? 5_000);
    const best = bestSample((sim.node("n1").state as BrokerState).peers.n2?.samples ?? []);
    if (best === undefined) throw new Error(`seed ${seed}: n1 has no offset sample of n2 (loss ${s.loss})`);
    // n1's clock is true time, so the sample's t4 is the virtual time; n2 - n1 = skew + t * drift.
    const truth = s.skewMs + best.at * s.drift;
    const error = Math.abs(best.offsetMs - truth);
    sum += error;
    max = Math.max(max, error);
    bound += best.delayMs / 2;
    if (error > best.delayMs / 2 + 1e-9) outside++;
  }
  return { ...s, meanErrorMs: sum / seeds, maxErrorMs: max, meanBoundMs: bound / seeds, outsideBound: outside };
}
