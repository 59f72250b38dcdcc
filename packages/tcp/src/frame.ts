/**
 * Frames on the wire: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. Decoding
 * is bounded: the length before reading the body, then, on the parsed value (V8's JSON.parse
 * does not recurse, so any nesting parses), the nesting depth (a deep value would overflow the
 * stack wherever it is later serialised), string and array sizes and numbers (finite; whole
 * numbers must be safe integers), in one walk without recursion.
 */

/** Default largest frame body: 1 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 1 << 20;

/** Bounds on a decoded frame. */
export interface FrameLimits {
  /** Largest body in bytes (default 1 MiB). */
  readonly maxBytes: number;
  /** Deepest nesting of arrays and objects (default 32). */
  readonly maxDepth: number;
  /** Longest string, in UTF-16 code units (default 512 Ki). */
  readonly maxStringLength: number;
  /** Longest array and most keys in one object (default 65,536). */
  readonly maxItems: number;
}

/** The limits used when none are given. */
export const DEFAULT_FRAME_LIMITS: FrameLimits = { maxBytes: DEFAULT_MAX_FRAME_BYTES, maxDepth: 32, maxStringLength: 512 * 1024, maxItems: 65_536 };

/** A frame that cannot be accepted; the connection it came on is closed. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/** Encodes one value as a frame; throws {@link FrameError} when it is larger than `maxBytes`. */
export function encodeFrame(value: unknown, maxBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new FrameError(`a frame must hold JSON, got ${typeof value}`);
  const length = Buffer.byteLength(text, "utf8");
  if (length > maxBytes) throw new FrameError(`frame of ${length} bytes exceeds the maximum of ${maxBytes}`);
  // Encoded straight into the frame: no intermediate buffer to copy.
  const frame = Buffer.allocUnsafe(4 + length);
  frame.writeUInt32BE(length, 0);
  frame.write(text, 4, "utf8");
  return frame;
}

/**
 * True when every string, array, object and number in `value` is within `limits` and it nests no
 * deeper than `maxDepth` (no paths built: the common case, on every frame). Iterative, like
 * V8's JSON.parse: a deep value is caught here, before anything recursive (a serialiser) meets it.
 */
function withinLimits(value: unknown, limits: FrameLimits): boolean {
  const stack: unknown[] = [value];
  // Depth of each value on the stack, beside it: no tuple allocated per element.
  const depths: number[] = [0];
  while (stack.length > 0) {
    const v = stack.pop();
    const depth = depths.pop() as number;
    if (typeof v === "string") {
      if (v.length > limits.maxStringLength) return false;
    } else if (typeof v === "number") {
      if (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) return false;
    } else if (Array.isArray(v)) {
      if (v.length > limits.maxItems || depth >= limits.maxDepth) return false;
      for (let i = 0; i < v.length; i++) {
        stack.push(v[i]);
        depths.push(depth + 1);
      }
    } else if (typeof v === "object" && v !== null) {
      const keys = Object.keys(v);
      if (keys.length > limits.maxItems || depth >= limits.maxDepth) return false;
      for (const k of keys) {
        if (k.length > limits.maxStringLength) return false;
        stack.push((v as Record<string, unknown>)[k]);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

/** Depth of the deepest array or object in `value` (1 for a flat one), without recursion; stops past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  let level: unknown[] = [value];
  while (level.length > 0 && deepest <= limit) {
    const next: unknown[] = [];
    let containers = false;
    for (const v of level) {
      if (typeof v !== "object" || v === null) continue;
      containers = true;
      for (const item of Array.isArray(v) ? v : Object.values(v)) next.push(item);
    }
    if (containers) deepest++;
    level = next;
  }
  return deepest;
}

/** Checks sizes and numbers of a parsed value without recursion; returns what is wrong, with its path. */
export function checkValue(value: unknown, limits: FrameLimits = DEFAULT_FRAME_LIMITS): string | undefined {
  if (withinLimits(value, limits)) return undefined;
  if (nestingDepth(value, limits.maxDepth) > limits.maxDepth) return `$: nests deeper than the maximum depth of ${limits.maxDepth}`;
  // Something is wrong: walk again, naming the path this time.
  const stack: [unknown, string][] = [[value, "$"]];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === "string") {
      if (v.length > limits.maxStringLength) return `${path}: string of ${v.length} characters exceeds the maximum of ${limits.maxStringLength}`;
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) return `${path}: number out of range`;
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) return `${path}: whole number ${v} is not a safe integer (|n| <= 2^53 - 1)`;
    } else if (Array.isArray(v)) {
      if (v.length > limits.maxItems) return `${path}: array of ${v.length} items exceeds the maximum of ${limits.maxItems}`;
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${path}[${i}]`]);
    } else if (typeof v === "object" && v !== null) {
      const keys = Object.keys(v);
      if (keys.length > limits.maxItems) return `${path}: object of ${keys.length} keys exceeds the maximum of ${limits.maxItems}`;
      for (const k of keys) {
        if (k.length > limits.maxStringLength) return `${path}: key of ${k.length} characters exceeds the maximum of ${limits.maxStringLength}`;
        stack.push([(v as Record<string, unknown>)[k], `${path}.${k.length > 40 ? `${k.slice(0, 40)}…` : k}`]);
      }
    }
  }
  return undefined;
}

/** Splits a byte stream into decoded frames, however the stream is chunked. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly limits: FrameLimits;

  /** `limits` may be a number: the largest body in bytes, other limits at their defaults. */
  constructor(limits: number | Partial<FrameLimits> = {}) {
    this.limits = typeof limits === "number" ? { ...DEFAULT_FRAME_LIMITS, maxBytes: limits } : { ...DEFAULT_FRAME_LIMITS, ...limits };
  }

  /** Adds bytes; returns every complete frame's value. Throws {@link FrameError} on a bad frame. */
  push(chunk: Buffer): unknown[] {
    const { maxBytes, maxDepth } = this.limits;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: unknown[] = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (length > maxBytes) throw new FrameError(`frame length ${length} exceeds the maximum of ${maxBytes} bytes`);
      if (this.buffer.length < 4 + length) break;
      const body = this.buffer.subarray(4, 4 + length);
      this.buffer = this.buffer.subarray(4 + length);
      let value: unknown;
      try {
        value = JSON.parse(body.toString("utf8"));
      } catch (err) {
        throw new FrameError(`frame of ${length} bytes is not valid JSON: ${(err as Error).message}`);
      }
      if (!withinLimits(value, this.limits)) {
        if (nestingDepth(value, maxDepth) > maxDepth) throw new FrameError(`frame nests deeper than the maximum depth of ${maxDepth}`);
        throw new FrameError(`frame rejected: ${checkValue(value, this.limits) ?? "out of bounds"}`);
      }
      out.push(value);
    }
    return out;
  }
}
