/** Protocol metrics on a node's registry: Raft elections, votes and commit latency; 2PC outcomes. */
import { Counter, Histogram, type Registry } from "prom-client";
import type { NodeObserver } from "@faultline/tcp";
import type { NodeKind } from "./inspect.js";

/** The observer feeding `kind`'s protocol metrics into `registry`. */
export function protocolMetrics(kind: NodeKind, registry: Registry): NodeObserver {
  if (kind === "raft-node") {
    const elections = new Counter({ name: "faultline_raft_elections_total", help: "Elections this node started (became candidate)", registers: [registry] });
    const votes = new Counter({ name: "faultline_raft_votes_granted_total", help: "Votes this node granted", registers: [registry] });
    const leaderships = new Counter({ name: "faultline_raft_leaderships_total", help: "Times this node became leader", registers: [registry] });
    const commit = new Histogram({ name: "faultline_raft_commit_seconds", help: "Client write latency: request arrival to its committed reply", buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5], registers: [registry] });
    return {
      step: (_input, effects, before, after) => {
        const b = before as { role?: string; term?: number } | undefined;
        const a = after as { role?: string; term?: number };
        if (a.role === "candidate" && (b?.role !== "candidate" || b.term !== a.term)) elections.inc();
        if (a.role === "leader" && b?.role !== "leader") leaderships.inc();
        for (const e of effects) if (e.type === "send" && (e.msg as { type?: string; granted?: boolean }).type === "vote-reply" && (e.msg as { granted?: boolean }).granted) votes.inc();
      },
      reply: (res, ms) => {
        if ((res as { ok?: boolean }).ok) commit.observe(ms / 1000);
      },
    };
  }
  const outcomes = new Counter({ name: "faultline_2pc_outcomes_total", help: "Transaction outcomes this node logged", labelNames: ["outcome"], registers: [registry] });
  return {
    step: (_input, effects) => {
      for (const e of effects) {
        if (e.type !== "persist") continue;
        const r = e.record as { type?: string; decision?: string; outcome?: string };
        if (r.type === "decision" && r.decision) outcomes.inc({ outcome: r.decision });
        if (r.type === "outcome" && r.outcome) outcomes.inc({ outcome: r.outcome });
      }
    },
  };
}
