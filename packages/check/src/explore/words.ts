/**
 * The explorer's compact storage: growable vectors of 32-bit words (state encodings, parent
 * pointers) and 64-bit fingerprints of word runs and strings. Nothing here allocates per state.
 */
import type { WordWriter } from "./model.js";

/** A growable Int32Array: the explorer's only per-state storage. */
export class IntVec implements WordWriter {
  data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }

  push(word: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = word;
  }

  /** Appends `src[from, to)`. */
  append(src: Int32Array, from: number, to: number): void {
    const n = to - from;
    if (this.length + n > this.data.length) this.grow(this.length + n);
    this.data.set(src.subarray(from, to), this.length);
    this.length += n;
  }

  /** The words written so far, as an exact-length copy whose buffer may be transferred. */
  take(): Int32Array {
    return this.data.slice(0, this.length);
  }

  private grow(need: number): void {
    let cap = this.data.length * 2;
    while (cap < need) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/**
 * A 64-bit fingerprint, as two 32-bit halves. The explorer keeps one instance and overwrites it,
 * so fingerprinting a state allocates nothing.
 */
export interface Fingerprint {
  hi: number;
  lo: number;
}

// Two lanes of murmur3's 32-bit mixing with different constants: a 64-bit hash, like TLC's
// 64-bit fingerprints. Distinct states collide with probability about n * generated / 2^64.
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function finish(out: Fingerprint, h1: number, h2: number, n: number): void {
  h1 = fmix(h1 ^ n);
  h2 = fmix(h2 ^ Math.imul(n, 0x9e3779b1));
  out.hi = (h1 + h2) | 0;
  out.lo = (h2 + out.hi) | 0;
}

/** Fingerprints `words[from, to)` into `out`. */
export function hashWords(words: Int32Array, from: number, to: number, out: Fingerprint): void {
  let h1 = 0x2545f491;
  let h2 = 0x6a09e667;
  for (let i = from; i < to; i++) {
    const w = words[i] as number;
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, 0x1b873593);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let j = Math.imul(w, 0x85ebca77);
    j = (j << 17) | (j >>> 15);
    h2 ^= Math.imul(j, 0xc2b2ae3d);
    h2 = (h2 << 11) | (h2 >>> 21);
    h2 = (Math.imul(h2, 9) + 0x27d4eb2f) | 0;
  }
  finish(out, h1, h2, to - from);
}

/** Fingerprints a string (UTF-16 code units) into `out`. */
export function hashString(s: string, out: Fingerprint): void {
  let h1 = 0x2545f491;
  let h2 = 0x6a09e667;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const w = s.charCodeAt(i);
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, 0x1b873593);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let j = Math.imul(w, 0x85ebca77);
    j = (j << 17) | (j >>> 15);
    h2 ^= Math.imul(j, 0xc2b2ae3d);
    h2 = (h2 << 11) | (h2 >>> 21);
    h2 = (Math.imul(h2, 9) + 0x27d4eb2f) | 0;
  }
  finish(out, h1, h2, n);
}

/**
 * The set of fingerprints seen (TLC's FPSet): open addressing with linear probing over one
 * Int32Array of (hi, lo) pairs, half full at most. (0, 0) marks an empty slot, so a
 * fingerprint of (0, 0) is stored as (0, 1).
 */
export class FingerprintSet {
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    let cap = 1 << 10;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(cap * 2);
    this.mask = cap - 1;
  }

  /** Adds the fingerprint; true when it was not there yet. */
  add(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const slots = this.slots;
    const mask = this.mask;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const a = slots[2 * i] as number;
      const b = slots[2 * i + 1] as number;
      if (a === 0 && b === 0) {
        slots[2 * i] = hi;
        slots[2 * i + 1] = lo;
        if (++this.size * 2 > mask + 1) this.grow();
        return true;
      }
      if (a === hi && b === lo) return false;
    }
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Int32Array(cap * 2);
    this.mask = cap - 1;
    for (let i = 0; i < old.length; i += 2) {
      const hi = old[i] as number;
      const lo = old[i + 1] as number;
      if (hi === 0 && lo === 0) continue;
      let j = lo & this.mask;
      while ((this.slots[2 * j] as number) !== 0 || (this.slots[2 * j + 1] as number) !== 0) j = (j + 1) & this.mask;
      this.slots[2 * j] = hi;
      this.slots[2 * j + 1] = lo;
    }
  }
}
