/**
 * Hybrid logical clocks (Kulkarni, Demirbas et al., "Logical Physical Clocks", 2014): `wall`
 * follows the largest physical time seen, `logical` orders events within one `wall` value. An
 * HLC never runs behind the node's physical clock and never goes back, whatever the skew.
 */

/** A hybrid timestamp. Compare with {@link compareHlc}. */
export interface Hlc {
  readonly wall: number;
  readonly logical: number;
}

/** The zero timestamp. */
export const HLC_ZERO: Hlc = Object.freeze({ wall: 0, logical: 0 });

/** Orders timestamps: by wall time, then by the logical counter. */
export function compareHlc(a: Hlc, b: Hlc): number {
  return a.wall !== b.wall ? a.wall - b.wall : a.logical - b.logical;
}

/** A local or send event at physical time `now` (the paper's figure 5, "send or local event"). */
export function hlcTick(clock: Hlc, now: number): Hlc {
  const pt = Math.floor(now);
  if (pt > clock.wall) return { wall: pt, logical: 0 };
  return { wall: clock.wall, logical: clock.logical + 1 };
}

/** Receiving `remote` at physical time `now` (figure 5, "receive event of message m"). */
export function hlcReceive(clock: Hlc, remote: Hlc, now: number): Hlc {
  const pt = Math.floor(now);
  const wall = Math.max(clock.wall, remote.wall, pt);
  if (wall === clock.wall && wall === remote.wall) return { wall, logical: Math.max(clock.logical, remote.logical) + 1 };
  if (wall === clock.wall) return { wall, logical: clock.logical + 1 };
  if (wall === remote.wall) return { wall, logical: remote.logical + 1 };
  return { wall, logical: 0 };
}

/** The later of two timestamps. */
export function maxHlc(a: Hlc, b: Hlc): Hlc {
  return compareHlc(a, b) >= 0 ? a : b;
}
