/**
 * Sweep and explore progress: on a terminal a live bar or line (sweep: runs, runs/s, violations,
 * coverage, ETA; explore: states, states/s, depth, queue); elsewhere (CI) a plain line every few
 * seconds; nothing under --json. Host time is fine here: it only paces the display.
 */
import type { ExploreProgress } from "@faultline/check";
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

/** The explore display; `update` whenever the explorer reports, `stop` once it is done. */
export interface ExploreDisplay {
  update(p: ExploreProgress): void;
  stop(): void;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Explore progress: on a TTY one line redrawn in place at most every `redrawMs` (with a bar when
 * `maxStates` bounds the search), otherwise a plain line every `everyMs`; silent when `quiet`.
 */
export function exploreProgress(quiet: boolean, maxStates?: number, stream: NodeJS.WriteStream = process.stderr, everyMs = 3_000, redrawMs = 100): ExploreDisplay {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  const start = performance.now();
  const tty = stream.isTTY === true;
  let last = start;
  let drawn = false;
  const text = (p: ExploreProgress, now: number) => {
    const rate = p.distinctStates / Math.max(1e-3, (now - start) / 1000);
    const bar = maxStates !== undefined && tty ? `[${"█".repeat(Math.round(Math.min(1, p.distinctStates / maxStates) * 20)).padEnd(20, "░")}] ` : "";
    return `explore ${bar}${int(p.distinctStates)} states${maxStates !== undefined ? ` of at most ${int(maxStates)}` : ""} | ${int(rate)} states/s | depth ${p.depth} | queue ${int(p.queue)} | generated ${int(p.generated)}`;
  };
  return {
    update(p) {
      const now = performance.now();
      if (now - last < (tty ? redrawMs : everyMs)) return;
      last = now;
      if (tty) {
        stream.write(`\r\x1b[2K${text(p, now)}`);
        drawn = true;
      } else stream.write(text(p, now) + "\n");
    },
    stop() {
      if (drawn) stream.write("\r\x1b[2K");
    },
  };
}
