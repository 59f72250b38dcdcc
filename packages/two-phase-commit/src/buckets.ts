/**
 * A string-keyed map split into fixed buckets, for maps that only grow (finished transactions).
 * immer copies every plain object a step writes to, and walks it again to finalize and freeze it;
 * with one flat map each write would cost the size of the whole map, with buckets it costs the
 * size of one bucket.
 */
import type { Draft } from "immer";

/** The map: bucket name → (key → value). @internal */
export type Buckets<V> = Readonly<Record<string, Readonly<Record<string, V>>>>;

const BUCKETS = 64;

/** The bucket `key` lives in (a deterministic string hash). */
function bucketOf(key: string): string {
  let h = 5381;
  for (let i = 0; i < key.length; i++) h = ((h * 33) ^ key.charCodeAt(i)) >>> 0;
  return `b${h % BUCKETS}`;
}

/** The value under `key`, if any. Read it from the base state, not a draft (see the module comment). @internal */
export function bucketGet<V>(map: Buckets<V>, key: string): V | undefined {
  return map[bucketOf(key)]?.[key];
}

/** Sets `key` to `value` in a draft. @internal */
export function bucketSet<V>(map: Draft<Buckets<V>>, key: string, value: Draft<V>): void {
  const name = bucketOf(key);
  const bucket = (map as Record<string, Record<string, Draft<V>>>)[name];
  if (bucket === undefined) (map as Record<string, Record<string, Draft<V>>>)[name] = { [key]: value };
  else bucket[key] = value;
}

/**
 * The entries of `before` that `after` replaced or removed. Buckets and entries an immer step did
 * not touch are shared between the two states and skipped, so this costs what the step changed.
 */
export function* replacedEntries<V>(before: Buckets<V>, after: Buckets<V>): Iterable<[string, V]> {
  if (before === after) return;
  for (const name in before) {
    const was = before[name];
    const now = after[name];
    if (was === now || was === undefined) continue;
    for (const key in was) if (was[key] !== now?.[key]) yield [key, was[key] as V];
  }
}
