/**
 * The phi-accrual failure detector (Hayashibara, Défago, Yared, Katayama, 2004): instead of a
 * yes/no verdict it gives a suspicion level phi = -log10(P(a heartbeat arrives later than now)),
 * from the mean and deviation of recent heartbeat inter-arrival times. phi 1 means a 10% chance
 * the peer is merely slow, phi 8 one in 10^8. The tail probability uses the logistic
 * approximation of the normal distribution that Akka's detector uses.
 */

/** Heartbeat arrivals of one peer. */
export interface PhiState {
  /** Own clock at the last heartbeat (or at boot, before any). */
  readonly last: number;
  /** The most recent inter-arrival times, ms. */
  readonly intervals: readonly number[];
}

/** Detector settings. */
export interface PhiOptions {
  /** The expected heartbeat interval: the prior before any sample, ms. */
  readonly expectedMs: number;
  /** Intervals kept (default 16). */
  readonly window?: number;
  /** Smallest standard deviation used, so a perfectly regular peer is not suspected at once (default expectedMs / 4). */
  readonly minStdMs?: number;
}

/** A detector for a peer not heard from yet, started at `now`. */
export function phiStart(now: number, options: PhiOptions): PhiState {
  return { last: now, intervals: [options.expectedMs] };
}

/** A heartbeat arrived at `now`. */
export function phiHeartbeat(state: PhiState, now: number, options: PhiOptions): PhiState {
  const window = options.window ?? 16;
  const interval = Math.max(0, now - state.last);
  const intervals = [...state.intervals, interval];
  return { last: now, intervals: intervals.length > window ? intervals.slice(intervals.length - window) : intervals };
}

/** The suspicion level at `now` (0 right after a heartbeat; grows with silence; capped at 1e9). */
export function phiLevel(state: PhiState, now: number, options: PhiOptions): number {
  const n = state.intervals.length;
  const mean = state.intervals.reduce((a, b) => a + b, 0) / n;
  const variance = state.intervals.reduce((a, b) => a + (b - mean) * (b - mean), 0) / n;
  const std = Math.max(Math.sqrt(variance), options.minStdMs ?? options.expectedMs / 4, 1e-3);
  const y = (now - state.last - mean) / std;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  const later = y > 0 ? e / (1 + e) : 1 - 1 / (1 + e);
  if (!(later > 0)) return 1e9;
  return Math.min(1e9, Math.max(0, -Math.log10(later)));
}
