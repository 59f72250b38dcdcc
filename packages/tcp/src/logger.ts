/** Structured logs: one JSON object a line, with a level filter. */

/** Log levels, lowest first. */
export type Level = "debug" | "info" | "warn" | "error";
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Where a node writes what happens. */
export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

/** A logger writing JSON lines `{ ts, level, node, msg, ...fields }` to `out` (default stderr). */
export function jsonLogger(node: string, level: Level = "info", out: (line: string) => void = (l) => process.stderr.write(l + "\n")): Logger {
  return {
    log(l, msg, fields = {}) {
      if (RANK[l] < RANK[level]) return;
      out(JSON.stringify({ ts: new Date().toISOString(), level: l, node, msg, ...fields }));
    },
  };
}
