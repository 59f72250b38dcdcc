/** Frames on the wire: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. */

/** Default largest frame body: 1 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 1 << 20;

/** A frame that cannot be accepted; the connection it came on is closed. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/** Encodes one value as a frame. */
export function encodeFrame(value: unknown, maxBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  if (body.length > maxBytes) throw new FrameError(`frame of ${body.length} bytes exceeds the maximum of ${maxBytes}`);
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** Splits a byte stream into decoded frames, however the stream is chunked. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  constructor(private readonly maxBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Adds bytes; returns every complete frame's value. Throws {@link FrameError} on a bad frame. */
  push(chunk: Buffer): unknown[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: unknown[] = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (length > this.maxBytes) throw new FrameError(`frame length ${length} exceeds the maximum of ${this.maxBytes} bytes`);
      if (this.buffer.length < 4 + length) break;
      const body = this.buffer.subarray(4, 4 + length);
      this.buffer = this.buffer.subarray(4 + length);
      let value: unknown;
      try {
        value = JSON.parse(body.toString("utf8"));
      } catch (err) {
        throw new FrameError(`frame of ${length} bytes is not valid JSON: ${(err as Error).message}`);
      }
      out.push(value);
    }
    return out;
  }
}
