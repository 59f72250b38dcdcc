/**
 * Runtime metrics through prom-client, served on `/metrics` of an optional HTTP port. Why
 * prom-client: the standard Prometheus client for Node (histograms, counters, registries, the
 * text exposition format), so any Prometheus or compatible scraper reads a node without glue.
 * The runtime's own figures live here (fsync latency, group-commit sizes, request latency, step
 * errors); protocols' figures (elections, votes, outcomes) are added on the same registry.
 */
import { createServer, type Server } from "node:http";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { BatchStats } from "./commit.js";
import type { NodeObserver } from "./runtime.js";

/** A node's metrics registry and the runtime's metrics in it. */
export interface RuntimeMetrics {
  readonly registry: Registry;
  /** Feeds the runtime's metrics; pass it (or compose it) as `NodeOptions.observer`. */
  readonly observer: NodeObserver;
}

/** Creates a registry labelled `node` with the runtime's metrics (and Node's process metrics). */
export function runtimeMetrics(node: string): RuntimeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node });
  collectDefaultMetrics({ register: registry });
  const fsync = new Histogram({ name: "faultline_fsync_seconds", help: "Time to write and fsync one group commit", buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1], registers: [registry] });
  const batchRecords = new Histogram({ name: "faultline_group_commit_records", help: "Records per group commit (one fsync)", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], registers: [registry] });
  const batchSteps = new Histogram({ name: "faultline_group_commit_steps", help: "Steps per group commit (one fsync)", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], registers: [registry] });
  const latency = new Histogram({ name: "faultline_request_seconds", help: "Time from a client request's arrival to its reply", buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5], registers: [registry] });
  const steps = new Counter({ name: "faultline_steps_total", help: "Steps taken, by input type", labelNames: ["input"], registers: [registry] });
  return {
    registry,
    observer: {
      batch: (b: BatchStats) => {
        fsync.observe(b.fsyncMs / 1000);
        batchRecords.observe(b.records);
        batchSteps.observe(b.steps);
      },
      reply: (_res, ms) => latency.observe(ms / 1000),
      step: (input) => steps.inc({ input: input.type }),
    },
  };
}

/** Serves `registry` on `http://host:port/metrics`; resolves once listening. */
export async function serveMetrics(registry: Registry, port: number, host = "127.0.0.1"): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("only /metrics here\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** Calls every observer's hooks in turn. */
export function composeObservers(...observers: NodeObserver[]): NodeObserver {
  return {
    boot: (records) => observers.forEach((o) => o.boot?.(records)),
    step: (input, effects, before, after) => observers.forEach((o) => o.step?.(input, effects, before, after)),
    reply: (res, ms) => observers.forEach((o) => o.reply?.(res, ms)),
    batch: (stats) => observers.forEach((o) => o.batch?.(stats)),
  };
}
