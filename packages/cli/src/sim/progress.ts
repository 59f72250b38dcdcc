/**
 * Sweep progress: on a terminal a live bar (cli-progress) with runs, runs/s, violations, coverage
 * and ETA; elsewhere (CI) a plain line every few seconds; nothing under --json. Host time is fine
 * here: it only paces the display.
 */
import cliProgress from "cli-progress";

/** A progress display; `tick` after each finished run or chunk. */
export interface Progress {
  tick(runs: number, violations: number, states: number): void;
  stop(): void;
}

/** The display for this stream: a bar on a TTY, periodic lines otherwise, silence when `quiet`. */
export function progress(total: number, quiet: boolean, stream: NodeJS.WriteStream = process.stderr, everyMs = 3_000): Progress {
  if (quiet) return { tick: () => undefined, stop: () => undefined };
  const start = performance.now();
  const rate = (done: number) => (done / Math.max(1e-3, (performance.now() - start) / 1000)).toFixed(1);
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: "sweep [{bar}] {value}/{total} runs | {rate} runs/s | violations {violations} | states {states} | ETA {eta_formatted}", stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: "0", violations: 0, states: 0 });
    return { tick: (d, v, s) => bar.update(d, { rate: rate(d), violations: v, states: s }), stop: () => bar.stop() };
  }
  let last = start;
  return {
    tick(d, v, s) {
      const now = performance.now();
      if (now - last < everyMs && d < total) return;
      last = now;
      const eta = d > 0 ? Math.round(((now - start) / d) * (total - d) / 1000) : 0;
      stream.write(`sweep: ${d}/${total} runs, ${rate(d)} runs/s, violations ${v}, states ${s}, ETA ${eta}s\n`);
    },
    stop: () => undefined,
  };
}
