/** Hashing helpers for models' state caches. */

/** Mixes a 32-bit integer (murmur3's finaliser). */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * FNV-1a of a string. Long strings (appended-to values grow) are hashed by length, head and tail
 * only: equal strings still hash equal, and the cache's equality check settles the rest.
 */
export function hashString(s: string): number {
  let h = 0x811c9dc5 ^ s.length;
  const n = s.length;
  if (n <= 64) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < 16; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    for (let i = n - 48; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return h | 0;
}

/** A hash of a primitive value (strings, numbers, booleans, undefined, null); 0 for objects. */
export function hashValue(v: unknown): number {
  switch (typeof v) {
    case "string":
      return hashString(v);
    case "number":
      return (v | 0) === v ? mix32(v) : hashString(String(v));
    case "boolean":
      return v ? 0x2f1a3b5d : 0x1b873593;
    case "undefined":
      return 0x5bd1e995;
    case "bigint":
      return hashString(v.toString());
    default:
      return v === null ? 0x27d4eb2f : 0;
  }
}
