/**
 * A small TCP proxy for one directed peer link, controlled by the test (as Toxiproxy does):
 * `cut` drops every connection and refuses new ones until `heal`; `delay` holds each chunk for
 * some milliseconds; `hold` buffers everything until `release` (a stalled link).
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

/** One proxied link. */
export class LinkProxy {
  private server: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private cutNow = false;
  private delayMs = 0;
  private held: (() => void)[] | null = null;
  port = 0;

  constructor(private readonly target: number) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Starts listening on a free loopback port. */
  async start(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.cutNow = true;
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  /** Lets connections through again, with no delay and nothing held. */
  heal(): void {
    this.cutNow = false;
    this.delayMs = 0;
    this.release();
  }

  /** Delays every chunk by `ms`. */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Buffers everything until {@link LinkProxy.release}. */
  hold(): void {
    this.held ??= [];
  }

  /** Delivers what was held, in order. */
  release(): void {
    const held = this.held;
    this.held = null;
    for (const deliver of held ?? []) deliver();
  }

  /** Stops the proxy. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.cutNow) return void client.destroy();
    const upstream = createConnection({ host: "127.0.0.1", port: this.target });
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on("data", (chunk) => {
        const deliver = () => {
          if (!to.destroyed) to.write(chunk);
        };
        if (this.held) this.held.push(deliver);
        else if (this.delayMs > 0) setTimeout(deliver, this.delayMs);
        else deliver();
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) {
      s.on("error", end);
      s.on("close", end);
    }
  }
}
