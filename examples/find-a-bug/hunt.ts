/** The search the example runs: random fault plans and workloads against the dispensers. */
import fc from "fast-check";
import { checkProperty, workloadArbitrary, type PropertyResult } from "faultline/check";
import type { SystemUnderTest } from "faultline";

/** Runs the property runner on `system` with crashes, partitions and pauses, and up to 30 requests. */
export function hunt(system: () => SystemUnderTest, systemName: string, runs = 200, traceFile?: string): PropertyResult {
  const nodes = ["n1", "n2", "n3"];
  return checkProperty({
    system,
    systemName,
    runs,
    seed: 42,
    faults: { nodes, durationMs: 2_000, kinds: ["crash", "partition", "pause"], maxActions: 6 },
    workload: workloadArbitrary({ nodes, durationMs: 2_000, request: fc.constant({ take: true as const }), maxOps: 30 }),
    run: { maxTimeMs: 3_000 },
    ...(traceFile ? { traceFile } : {}),
  });
}
