/** One benchmark figure, as the table and `--json` print it. */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

/** Runs `fn` and returns how long it took in seconds (host time: benchmarks measure the host, runs never read it). */
export function timed(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Rounds to 3 significant figures, for readable tables. */
export function round3(x: number): number {
  return Number(x.toPrecision(3));
}
