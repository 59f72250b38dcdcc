/**
 * A string-keyed map split into fixed buckets, for maps that only grow (finished transactions).
 * immer copies every plain object a step writes to, and walks it again to finalize and freeze it;
 * with one flat map each write would cost the size of the whole map, with buckets it costs the
 * size of one bucket.
 */
import type { Draft } from "immer";

/** The map: bucket name → (key → value). */
export type Buckets<V> = Readonly<Record<string, Readonly<Record<string, V>>>>;

const BUCKETS = 64;

/** The bucket `key` lives in (a deterministic string hash). */
function bucketOf(key: string): string {
  let h = 5381;
  for (let i = 0; i < key.length; i++) h = ((h * 33) ^ key.charCodeAt(i)) >>> 0;
  return `b${h % BUCKETS}`;
}

/** The value under `key`, if any. Read it from the base state, not a draft (see the module comment). */
export function bucketGet<V>(map: Buckets<V>, key: string): V | undefined {
  return map[bucketOf(key)]?.[key];
}

/** Sets `key` to `value` in a draft. */
export function bucketSet<V>(map: Draft<Buckets<V>>, key: string, value: Draft<V>): void {
  const name = bucketOf(key);
  const bucket = (map as Record<string, Record<string, Draft<V>>>)[name];
  if (bucket === undefined) (map as Record<string, Record<string, Draft<V>>>)[name] = { [key]: value };
  else bucket[key] = value;
}

/** Every entry, bucket by bucket (an order fixed by the keys, not by insertion). */
export function* bucketEntries<V>(map: Buckets<V>): Iterable<[string, V]> {
  for (const bucket of Object.values(map)) yield* Object.entries(bucket);
}
