import type { Simulation } from "faultline";

/** The kernel's token ring, booted (its first sends queued), stopping after `events` events. */
export declare function ringSimulation(events: number, hash: boolean): Simulation;
/** The same token ring with nothing but a queue (a binary heap, or the agenda the kernel queues its events in), a random latency and a counter: its tokens queued, and the loop that runs `events` events. */
export declare function bareRing(events: number, kind?: "heap" | "agenda"): () => void;
