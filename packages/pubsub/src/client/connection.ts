/**
 * One wire-protocol connection to one broker, for clients: commands are pipelined and their
 * answers matched in order (a broker answers in the order it reads). `MSG` lines that are not
 * part of a HISTORY answer, and `END` lines, are pushes for subscriptions and go to `onPush`. A
 * timed-out command closes the connection: answers after it could no longer be matched.
 *
 * (Host time and timers are fine in this file: it is a client on real sockets, never part of a
 * simulated run; the reducers behind the brokers see time only through ctx.)
 */
import { createConnection, type Socket } from "node:net";
import { encodeCommand } from "../wire/encode.js";
import type { WireCommand } from "../wire/protocol.js";
import { replyFeed, replyParser, type WireReply } from "../wire/reply.js";
import type { StoredMessage } from "../types.js";

/** A broker's wire address. */
export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

/** The answer to one command: its last item, and the MSG lines before it (HISTORY). */
export interface WireAnswer {
  readonly reply: Exclude<WireReply, { kind: "msg" } | { kind: "end" }>;
  readonly messages: readonly StoredMessage[];
}

type Waiter = { readonly resolve: (a: WireAnswer) => void; readonly reject: (e: Error) => void; readonly collects: boolean; readonly messages: StoredMessage[] };

/** A connection failed, closed, or a command timed out; the command's outcome is unknown. */
export class ConnectionLost extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionLost";
  }
}

/** A pipelined wire connection. */
export class WireConnection {
  private readonly socket: Socket;
  private parser = replyParser();
  private readonly waiting: Waiter[] = [];
  private failure: Error | undefined;

  /** Connects to `addr`; `onPush` receives pushed MSG and END items; `onClose` is told once when the connection ends. */
  constructor(
    readonly addr: BrokerAddress,
    private readonly onPush: (item: Extract<WireReply, { kind: "msg" } | { kind: "end" }>) => void = () => undefined,
    private readonly onClose: (err: Error) => void = () => undefined,
  ) {
    this.socket = createConnection({ host: addr.host, port: addr.port });
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => this.read(chunk));
    this.socket.on("error", (err) => this.fail(new ConnectionLost(`${addr.host}:${addr.port}: ${err.message}`)));
    this.socket.on("close", () => this.fail(new ConnectionLost(`connection to ${addr.host}:${addr.port} closed`)));
  }

  /** Whether the connection has failed or been closed. */
  get dead(): boolean {
    return this.failure !== undefined;
  }

  /** Sends `cmd`; resolves with its answer, rejects with {@link ConnectionLost} (outcome unknown). */
  send(cmd: WireCommand, timeoutMs: number): Promise<WireAnswer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<WireAnswer>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new ConnectionLost(`no answer from ${this.addr.host}:${this.addr.port} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({
        resolve: (a) => (clearTimeout(timer), resolve(a)),
        reject: (e) => (clearTimeout(timer), reject(e)),
        collects: cmd.cmd === "HISTORY",
        messages: [],
      });
      this.socket.write(encodeCommand(cmd));
    });
  }

  /** Closes the connection; commands waiting fail with {@link ConnectionLost}. */
  close(): void {
    this.fail(new ConnectionLost(`connection to ${this.addr.host}:${this.addr.port} closed by the client`));
  }

  private read(chunk: Buffer): void {
    let items: WireReply[];
    try {
      const r = replyFeed(this.parser, chunk);
      this.parser = r.parser;
      items = r.items;
    } catch (err) {
      return this.fail(new ConnectionLost(`${this.addr.host}:${this.addr.port}: ${(err as Error).message}`));
    }
    for (const item of items) {
      const head = this.waiting[0];
      if (item.kind === "end") this.onPush(item);
      else if (item.kind === "msg") {
        if (head?.collects) head.messages.push(item.message);
        else this.onPush(item);
      } else if (head === undefined) {
        return this.fail(new ConnectionLost(`${this.addr.host}:${this.addr.port}: an answer nobody asked for (${item.kind})`));
      } else {
        this.waiting.shift();
        head.resolve({ reply: item, messages: head.messages });
      }
    }
  }

  private fail(err: Error): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    this.socket.destroy();
    for (const w of this.waiting.splice(0)) w.reject(err);
    this.onClose(err);
  }
}
