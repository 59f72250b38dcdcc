/**
 * A ticket dispenser: clients ask any of three nodes for a ticket; each node hands out numbers
 * from its own range (node n2 gives 2000, 2001, ...) and must never hand out the same ticket twice,
 * crash or no crash.
 *
 * The bug: as an "optimisation", the dispenser persists its counter only every 5 tickets, yet
 * answers every request at once. After a crash it resumes from the last persisted value and
 * hands out tickets it already gave. `fixed: true` persists before every answer.
 */
import { transition, type Invariant, type Protocol, type SystemUnderTest } from "faultline";

/** A dispenser's state: the next ticket it will hand out. */
export interface DispenserState {
  readonly next: number;
}

type Req = { readonly take: true };

/** The dispenser protocol; the buggy one unless `fixed`. */
export function dispenser(fixed: boolean): Protocol<DispenserState, never, Req, number, number> {
  return {
    name: fixed ? "dispenser" : "dispenser-batched",
    init: (ctx, records) => ({ state: { next: records.at(-1) ?? (ctx.nodes.indexOf(ctx.self) + 1) * 1_000 }, effects: [] }),
    step: (state, input) =>
      transition(state, (d, fx) => {
        if (input.type !== "request") return;
        const ticket = d.next;
        d.next = ticket + 1;
        if (fixed || d.next % 5 === 0) fx.persist(d.next);
        fx.reply(input.client, input.id, ticket);
      }),
    // One line per node in failure reports.
    describe: (state) => `next ticket ${state.next}`,
  };
}

/** No ticket is handed out twice: the replies in the client history are all different. */
export const uniqueTickets: Invariant = {
  name: "UniqueTickets",
  check: (view) => {
    const given = new Map<number, string>();
    for (const h of view.history) {
      if (h.res === undefined) continue;
      const ticket = h.res as number;
      const who = `${h.client}#${h.id} at ${h.completedAt} ms from ${h.node}`;
      const first = given.get(ticket);
      if (first !== undefined) return `ticket ${ticket} handed out twice: to ${first} and to ${who}`;
      given.set(ticket, who);
    }
    return undefined;
  },
};

/** The buggy system: three batched dispensers. */
export const buggyDispensers = (): SystemUnderTest => ({
  nodes: ["n1", "n2", "n3"].map((id) => ({ id, protocol: dispenser(false) })),
  invariants: [uniqueTickets],
});

/** The fixed system. */
export const fixedDispensers = (): SystemUnderTest => ({
  nodes: ["n1", "n2", "n3"].map((id) => ({ id, protocol: dispenser(true) })),
  invariants: [uniqueTickets],
});
