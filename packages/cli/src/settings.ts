/**
 * Layered settings for the runnable processes: command-line flags win over the config file,
 * which wins over environment variables, which win over defaults. Every value is validated, and
 * an error names where the bad value came from (`--port`, `cluster.json: nodes.n1.port`,
 * `FAULTLINE_PORT`).
 */
import { readFileSync } from "node:fs";
import { isNonEmptyString, isNonNegativeInteger, isPositiveNumber, isProbability } from "@faultline/kernel";

/** How a setting is parsed and checked. */
export type SettingKind = "string" | "integer" | "positive" | "probability" | "level" | "boolean";

/** One setting a command takes. */
export interface SettingSpec {
  /** camelCase name: the config-file key; the flag is its kebab-case form, the env var FAULTLINE_ + SNAKE_CASE. */
  readonly name: string;
  readonly kind: SettingKind;
  readonly describe: string;
  readonly default?: string | number | boolean;
  readonly required?: boolean;
}

/** A setting that could not be used; the message names its source. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** Log levels, lowest first. */
export const LEVELS = ["debug", "info", "warn", "error"] as const;

/** `voteTimeoutMs` → `vote-timeout-ms`. */
export function flagName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `voteTimeoutMs` → `FAULTLINE_VOTE_TIMEOUT_MS`. */
export function envName(name: string): string {
  return `FAULTLINE_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** The resolved setting `name` as a whole number; a {@link SettingsError} naming its flag when it has a fraction. */
export function wholeSetting(s: Readonly<Record<string, unknown>>, name: string): number {
  const v = s[name] as number;
  if (!Number.isInteger(v)) throw new SettingsError(`--${flagName(name)}: expected a whole number, got ${v}`);
  return v;
}

/** Reads a JSON config file; errors name the file and what is wrong with it. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new SettingsError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new SettingsError(`config file ${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}

function parse(spec: SettingSpec, raw: unknown, source: string): string | number | boolean {
  const bad = (why: string) => new SettingsError(`${source}: ${why}, got ${JSON.stringify(raw)}`);
  switch (spec.kind) {
    case "string":
      if (!isNonEmptyString(raw)) throw bad("expected a non-empty string");
      return raw;
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "1") return true;
      if (raw === "false" || raw === "0") return false;
      throw bad("expected true or false");
    case "level":
      if (typeof raw !== "string" || !(LEVELS as readonly string[]).includes(raw)) throw bad(`expected one of ${LEVELS.join(", ")}`);
      return raw;
    default: {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
      if (!Number.isFinite(n)) throw bad("expected a number");
      if (spec.kind === "integer" && !isNonNegativeInteger(n)) throw bad("expected a whole number ≥ 0");
      if (spec.kind === "positive" && !isPositiveNumber(n)) throw bad("expected a number > 0");
      if (spec.kind === "probability" && !isProbability(n)) throw bad("expected a probability in [0, 1]");
      return n;
    }
  }
}

/**
 * Resolves every setting: flag, then config-file key, then environment variable, then default.
 * Unknown config-file keys are reported, not ignored, so a typo cannot silently fall back.
 */
export function resolveSettings(
  specs: readonly SettingSpec[],
  sources: { flags: Record<string, unknown>; file?: { path: string; values: Record<string, unknown> }; env: NodeJS.ProcessEnv },
  allowedFileKeys: readonly string[] = [],
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (sources.file) {
    const known = new Set([...specs.map((s) => s.name), ...allowedFileKeys]);
    for (const key of Object.keys(sources.file.values)) {
      if (!known.has(key)) throw new SettingsError(`config file ${sources.file.path}: unknown key "${key}" (known: ${[...known].join(", ")})`);
    }
  }
  for (const spec of specs) {
    const flag = sources.flags[spec.name];
    const fromFile = sources.file?.values[spec.name];
    const fromEnv = sources.env[envName(spec.name)];
    if (flag !== undefined) out[spec.name] = parse(spec, flag, `--${flagName(spec.name)}`);
    else if (fromFile !== undefined) out[spec.name] = parse(spec, fromFile, `config file ${sources.file?.path}: ${spec.name}`);
    else if (fromEnv !== undefined) out[spec.name] = parse(spec, fromEnv, envName(spec.name));
    else if (spec.default !== undefined) out[spec.name] = spec.default;
    else if (spec.required) throw new SettingsError(`missing setting ${spec.name}: give --${flagName(spec.name)}, "${spec.name}" in the config file, or ${envName(spec.name)}`);
  }
  return out;
}
