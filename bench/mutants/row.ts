/** One cell of the mutation bench: what `run.ts --out` writes as a JSON line and `table.ts` reads. */
export interface BenchRow {
  mutant: string;
  observable: string;
  /** plain, swarm, triggers, guided or explorer. */
  mode: string;
  found: boolean;
  /** Runs to the first failure (explorer: distinct states), or the runs made when not found. */
  runs: number;
  /** The shrunk case's fault actions (explorer: the counterexample's steps). */
  size?: number;
  property?: string;
  wallMs: number;
  /** Whether the replay line reproduced the trace hash in a fresh process. */
  replayed?: boolean;
  token?: string;
  traceHash?: string;
  /** Explorer: the small model that found it and the counterexample's steps. */
  model?: string;
  path?: readonly string[];
  /** Failing cases skipped because the real system fails them too. */
  baselineFailures?: number;
  /** The cell's wall budget (--cell-minutes) ended it before `runs` reached the budget. */
  stopped?: boolean;
}
