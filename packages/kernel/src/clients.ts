/**
 * The client side of a run: closed-loop actors, the ids of requests, which requests still wait
 * for a reply, and the history of every request and reply that invariants and linearizability
 * checks read.
 */
import type { ClientSpec } from "./client.js";
import { ConfigError } from "./errors.js";
import type { ClientId, RequestId } from "./protocol.js";
import { createRng, type Rng } from "./rng.js";
import type { HistoryEntry } from "./view.js";
import { describeValue } from "./validate.js";

/** A client actor's runtime: its state, stream and the one request it waits for. */
export class ClientHost {
  constructor(
    readonly id: ClientId,
    readonly actor: ClientSpec["actor"],
    readonly rng: Rng,
    public state: unknown,
    /** Id of the outstanding request, or 0 when none. */
    public waiting: number,
  ) {}

  /** A copy whose stream continues from the same position. */
  clone(): ClientHost {
    return new ClientHost(this.id, this.actor, this.rng.clone(), this.state, this.waiting);
  }
}

function requestKey(client: ClientId, id: RequestId): string {
  return `${client}\u0000${id}`;
}

/** Actors, request ids and the request history of one run. */
export class Clients {
  private readonly byId: Map<ClientId, ClientHost>;

  constructor(
    /** The actors, in configuration order. */
    readonly actors: readonly ClientHost[],
    /** Every request in invocation order, answered or not. */
    readonly history: HistoryEntry[],
    /** Requests taken by a node and not yet answered or given up, by client and id. */
    private readonly pending: Map<string, HistoryEntry>,
    /** The last id handed out per client. */
    private readonly lastRequestId: Map<ClientId, number>,
  ) {
    this.byId = new Map(actors.map((a) => [a.id, a]));
  }

  /** The clients of a new run: validates the specs (ids unique and non-empty, actors with `start`). */
  static create(specs: readonly ClientSpec[], seed: string): Clients {
    const seen = new Set<ClientId>();
    const actors = specs.map((c, i) => {
      if (typeof c.id !== "string" || c.id.length === 0) throw new ConfigError(`clients[${i}].id`, `expected a non-empty string, got ${describeValue(c.id)}`);
      if (seen.has(c.id)) throw new ConfigError(`clients[${i}].id`, `duplicate client id ${JSON.stringify(c.id)}`);
      if (!c.actor || typeof c.actor.start !== "function") throw new ConfigError(`clients[${i}].actor`, "expected an actor with start, onReply and onTimeout");
      seen.add(c.id);
      return new ClientHost(c.id, c.actor, createRng(seed, `client/${c.id}`), undefined, 0);
    });
    return new Clients(actors, [], new Map(), new Map());
  }

  /** An independent copy: history entries copied, actors' streams continuing from the same position. */
  clone(): Clients {
    const history = this.history.map((e) => ({ ...e }));
    const pending = new Map<string, HistoryEntry>();
    for (const e of history) if (this.pending.has(requestKey(e.client, e.id))) pending.set(requestKey(e.client, e.id), e);
    return new Clients(
      this.actors.map((a) => a.clone()),
      history,
      pending,
      new Map(this.lastRequestId),
    );
  }

  /** The actor named `id`, if any. */
  actor(id: ClientId): ClientHost | undefined {
    return this.byId.get(id);
  }

  /** A new request id for `client` (ids count up per client from 1). */
  nextRequestId(client: ClientId): number {
    const id = (this.lastRequestId.get(client) ?? 0) + 1;
    this.lastRequestId.set(client, id);
    return id;
  }

  /** Records an invocation in the history; `open` also marks it as waiting for a reply. */
  invoked(entry: HistoryEntry, open: boolean): void {
    this.history.push(entry);
    if (open) this.pending.set(requestKey(entry.client, entry.id), entry);
  }

  /** Records a reply; returns the entry it completes, or undefined for an unknown or already answered request. */
  answered(client: ClientId, id: RequestId, res: unknown, time: number): HistoryEntry | undefined {
    const key = requestKey(client, id);
    const entry = this.pending.get(key);
    if (entry === undefined) return undefined;
    this.pending.delete(key);
    entry.completedAt = time;
    entry.res = res;
    return entry;
  }

  /** The client stopped waiting: the request stays open in the history (it may have taken effect). */
  gaveUp(client: ClientId, id: RequestId): void {
    this.pending.delete(requestKey(client, id));
  }
}
