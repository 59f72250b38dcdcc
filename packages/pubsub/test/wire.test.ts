import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeCommand, encodeErr, encodeMsg, wireFeed, wireParser, type WireCommand, type WireItem } from "@faultline/pubsub";

const bytes = (s: string) => new TextEncoder().encode(s);
function parse(text: string | Uint8Array, limits = {}): WireItem[] {
  return wireFeed(wireParser(limits), typeof text === "string" ? bytes(text) : text).items;
}

const nameArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
const commandArb: fc.Arbitrary<WireCommand> = fc.oneof(
  fc.record({ cmd: fc.constant("PUB" as const), topic: nameArb, producer: nameArb, seq: fc.integer({ min: 1, max: 1e9 }), payload: fc.string({ unit: "grapheme", maxLength: 50 }) }),
  fc.record({ cmd: fc.constant("SUB" as const), topic: nameArb, group: nameArb, max: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ cmd: fc.constant("UNSUB" as const), topic: nameArb, group: nameArb }),
  fc.record({ cmd: fc.constant("ACK" as const), topic: nameArb, group: nameArb, offset: fc.nat() }),
  fc.record({ cmd: fc.constant("HISTORY" as const), topic: nameArb, from: fc.nat(), limit: fc.integer({ min: 1, max: 100 }) }),
  fc.constant({ cmd: "PING" as const }),
  fc.constant({ cmd: "STATUS" as const }),
);

describe("the wire protocol parser", () => {
  it("reads commands, a PUB with its payload (which may hold CRLF), in any chunking", () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 12 }), fc.array(fc.nat(40), { maxLength: 10 }), (cmds, cuts) => {
        const all = bytes(cmds.map(encodeCommand).join(""));
        let p = wireParser();
        const items: WireItem[] = [];
        let at = 0;
        for (const cut of [...cuts, all.length]) {
          const next = Math.min(all.length, at + cut);
          const r = wireFeed(p, all.subarray(at, next));
          p = r.parser;
          items.push(...r.items);
          at = next;
        }
        expect(items).toEqual(cmds);
      }),
    );
    expect(parse("PUB t p 1 4\r\na\r\nb\r\nPING\r\n")).toEqual([{ cmd: "PUB", topic: "t", producer: "p", seq: 1, payload: "a\r\nb" }, { cmd: "PING" }]);
  });

  it("answers bad input with a clear error and keeps reading the commands after it", () => {
    expect(parse("FOO bar\r\nPING\r\n")).toEqual([{ error: expect.stringContaining('unknown command "FOO"') }, { cmd: "PING" }]);
    expect(parse("ACK t g -1\r\nPING\r\n")).toEqual([{ error: 'offset: expected a whole number, got "-1"' }, { cmd: "PING" }]);
    expect(parse("HISTORY t x 5\r\nPING\r\n")[0]).toEqual({ error: 'from: expected a whole number, got "x"' });
    expect(parse(`SUB ${"x".repeat(65)} g\r\nPING\r\n`)).toEqual([{ error: "topic: longer than 64 characters (65)" }, { cmd: "PING" }]);
    // Refused publishes have their payload skipped: the next command is read where it starts.
    expect(parse("PUB t p 1 10\r\n0123456789\r\nPING\r\n", { maxPayload: 5 })).toEqual([{ error: "payload: 10 bytes is over the limit of 5" }, { cmd: "PING" }]);
    expect(parse(`PUB ${"x".repeat(65)} p 1 3\r\nabc\r\nPING\r\n`)).toEqual([{ error: "topic: longer than 64 characters (65)" }, { cmd: "PING" }]);
    expect(parse("PUB t p zero 3\r\nabc\r\nPING\r\n")).toEqual([{ error: 'seq: expected a whole number, got "zero"' }, { cmd: "PING" }]);
    expect(parse("PUB t p 1 3\r\nabcdef\r\nPING\r\n")).toEqual([{ error: "payload: not followed by \\r\\n after 3 bytes" }, { cmd: "PING" }]);
    expect(parse(`${"A".repeat(100)}\r\nPING\r\n`, { maxLine: 50 })).toEqual([{ error: "line: longer than 50 bytes" }, { cmd: "PING" }]);
  });

  it("never throws on random bytes, and a PING after a line break is read once the garbage is spent", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
        const clean = junk.map((b) => (b === 10 || b === 13 ? 32 : b)); // one garbage line, no line breaks
        const items = parse(new Uint8Array([...clean, 13, 10, ...bytes("PING\r\n")]));
        // A garbage "PUB ... <n>" line may swallow n bytes as payload; otherwise PING comes out last.
        if (!/^\s*PUB\s/i.test(new TextDecoder().decode(clean))) expect(items.at(-1)).toEqual({ cmd: "PING" });
        for (const i of items.slice(0, -1)) expect("error" in i || "cmd" in i).toBe(true);
      }),
    );
  });

  it("encodes pushed messages and errors on one line each", () => {
    expect(encodeMsg("t", { offset: 3, producer: "p", seq: 2, payload: "hé", lamport: 7, hlc: { wall: 100, logical: 1 } })).toBe("MSG t 3 p 2 7 100.1 3\r\nhé\r\n");
    expect(encodeErr("bad\r\nthing")).toBe("-ERR bad thing\r\n");
  });
});
