/**
 * SNTP-style clock-offset estimation (RFC 4330 §5; the same arithmetic as NTP's on-wire
 * protocol): a request leaves at t1 (client clock), arrives at t2 and its reply leaves at t3
 * (server clock), the reply arrives at t4 (client clock). With symmetric one-way delays,
 * offset = ((t2 - t1) + (t3 - t4)) / 2 and round trip = (t4 - t1) - (t3 - t2); the true offset
 * lies within offset ± round trip / 2 whatever the asymmetry.
 */

/** One four-timestamp exchange's result. */
export interface OffsetSample {
  /** Estimated server clock minus client clock, ms. */
  readonly offsetMs: number;
  /** Round-trip delay excluding the server's processing, ms. */
  readonly delayMs: number;
  /** Client clock when the reply arrived (t4). */
  readonly at: number;
}

/** The RFC 4330 offset and round trip of one exchange. */
export function offsetSample(t1: number, t2: number, t3: number, t4: number): OffsetSample {
  return { offsetMs: (t2 - t1 + (t3 - t4)) / 2, delayMs: t4 - t1 - (t3 - t2), at: t4 };
}

/** How many recent samples the filter keeps (NTP's clock filter keeps 8). */
export const SAMPLE_WINDOW = 8;

/** Adds `sample` to the recent ones (at most {@link SAMPLE_WINDOW}, oldest dropped). */
export function addSample(samples: readonly OffsetSample[], sample: OffsetSample): OffsetSample[] {
  const out = [...samples, sample];
  return out.length > SAMPLE_WINDOW ? out.slice(out.length - SAMPLE_WINDOW) : out;
}

/**
 * The estimate to believe: the recent sample with the smallest round trip (NTP's clock filter),
 * since its error bound (half its round trip) is the tightest. `undefined` without samples.
 */
export function bestSample(samples: readonly OffsetSample[]): OffsetSample | undefined {
  let best: OffsetSample | undefined;
  for (const s of samples) if (best === undefined || s.delayMs < best.delayMs) best = s;
  return best;
}
