/**
 * The one home of the small value checks every package needs (configs, wire messages, effects):
 * predicates that narrow a type, and `require…` helpers that throw {@link ConfigError} naming
 * the field. Protocols import them from the kernel instead of writing their own.
 */
import { ConfigError } from "./errors.js";

/** True for a plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for a number that is neither NaN nor infinite. */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** True for a finite number ≥ 0 (a duration, a delay, a time). */
export function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** True for a finite number > 0. */
export function isPositiveNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

/** True for a whole number > 0 (a safe integer: counts and ids stay exact). */
export function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** True for a whole number ≥ 0 (a safe integer: an index, a count, a sequence number). */
export function isNonNegativeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** True for a probability: a number in [0, 1]. */
export function isProbability(value: unknown): value is number {
  return typeof value === "number" && value >= 0 && value <= 1;
}

/** True for a string with at least one character. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** A short rendering of any value for error messages (JSON when possible). */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Returns `value` when it is a finite number > 0; throws {@link ConfigError} naming `field` otherwise. */
export function requirePositiveNumber(field: string, value: unknown, unit = "number"): number {
  if (!isPositiveNumber(value)) throw new ConfigError(field, `expected a positive ${unit}, got ${describeValue(value)}`);
  return value;
}

/** Returns `value` when it is a whole number > 0; throws {@link ConfigError} naming `field` otherwise. */
export function requirePositiveInteger(field: string, value: unknown): number {
  if (!isPositiveInteger(value)) throw new ConfigError(field, `expected a positive whole number, got ${describeValue(value)}`);
  return value as number;
}

/** Returns `value` when it is a finite number ≥ 0; throws {@link ConfigError} naming `field` otherwise. */
export function requireNonNegativeNumber(field: string, value: unknown, unit = "number"): number {
  if (!isNonNegativeNumber(value)) throw new ConfigError(field, `expected a finite ${unit} ≥ 0, got ${describeValue(value)}`);
  return value;
}

/** Returns `value` when it is a rate in [0, 1]; throws {@link ConfigError} naming `field` otherwise. */
export function requireRate(field: string, value: unknown): number {
  if (!isProbability(value)) throw new ConfigError(field, `a rate must be in [0, 1], got ${describeValue(value)}`);
  return value;
}

/** Returns `value` when it is a probability in [0, 1]; throws {@link ConfigError} naming `field` otherwise. */
export function requireProbability(field: string, value: unknown): number {
  if (!isProbability(value)) throw new ConfigError(field, `expected a probability in [0, 1], got ${describeValue(value)}`);
  return value;
}

/** Returns `value` when it is a whole number ≥ `min` (a safe integer); throws {@link ConfigError} naming `field` otherwise. */
export function requireInteger(field: string, value: unknown, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new ConfigError(field, `expected a whole number ≥ ${min}, got ${describeValue(value)}`);
  return value as number;
}

/** Returns `value` when it is true or false; throws {@link ConfigError} naming `field` otherwise. */
export function requireBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ConfigError(field, `expected true or false, got ${describeValue(value)}`);
  return value;
}

/** Throws {@link ConfigError} naming `field` when `value` is not a plain object. */
export function requireObject(field: string, value: unknown): Record<string, unknown> {
  if (!isObject(value)) throw new ConfigError(field, `expected an object, got ${describeValue(value)}`);
  return value;
}
