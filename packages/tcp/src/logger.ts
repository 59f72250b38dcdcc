/**
 * Structured logs through pino: one JSON object a line (`{ level, time, node, msg, ...fields }`),
 * one child logger per node, a level filter. Why pino: it is the de-facto structured logger of
 * Node services (fast, JSON by default, child loggers, transports), so logs from Faultline nodes
 * go wherever the operator's other services' logs go; pino-pretty renders them for humans.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

/** Log levels, lowest first. */
export type Level = "debug" | "info" | "warn" | "error";

/** Where a node writes what happens. */
export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
  /** False when `level` is filtered out, so a hot path can skip building the fields (absent: assume it is logged). */
  enabled?(level: Level): boolean;
}

/** The root pino logger for a process: labelled levels, ISO times, synchronous stderr (nothing lost at exit) unless `destination` is given. */
export function rootLogger(level: Level = "info", destination?: DestinationStream): PinoLogger {
  return pino(
    { level, base: null, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A node's {@link Logger}: a child of `root` with `{ node }` on every line. */
export function pinoLogger(root: PinoLogger, node: string): Logger {
  const child = root.child({ node });
  return {
    log(level, msg, fields = {}) {
      child[level](fields, msg);
    },
    enabled: (level) => child.isLevelEnabled(level),
  };
}

/** A logger writing JSON lines `{ level, time, node, msg, ...fields }` to stderr, or to `out` (one call a line). */
export function jsonLogger(node: string, level: Level = "info", out?: (line: string) => void): Logger {
  const destination: DestinationStream | undefined = out ? { write: (line: string) => out(line.replace(/\n$/, "")) } : undefined;
  return pinoLogger(rootLogger(level, destination), node);
}
