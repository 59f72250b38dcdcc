/**
 * The mutable world of one run, part by part. Each part copies itself, and the copy names every
 * part, so a fork cannot share a new part by accident.
 */
import type { Checker } from "./checking.js";
import type { Clients } from "./clients.js";
import type { Network } from "./network.js";
import type { NodeHost } from "./nodes.js";
import type { Violation } from "./reports.js";
import type { Schedule } from "./schedule.js";
import type { Tracer } from "./tracer.js";
import type { Triggers } from "./triggers.js";

/** Every mutable part of a run, so a fork must copy each one (a new part cannot be shared by accident). */
export interface RunStateParts {
  readonly schedule: Schedule;
  readonly hosts: readonly NodeHost[];
  readonly network: Network;
  readonly clients: Clients;
  readonly checker: Checker;
  readonly tracer: Tracer;
  readonly triggers: Triggers;
  violation: Violation | undefined;
  stopped: boolean;
  started: boolean;
}

/** The mutable world of one run. */
export class RunState implements RunStateParts {
  readonly schedule: Schedule;
  readonly hosts: readonly NodeHost[];
  readonly network: Network;
  readonly clients: Clients;
  readonly checker: Checker;
  readonly tracer: Tracer;
  readonly triggers: Triggers;
  violation: Violation | undefined;
  stopped: boolean;
  started: boolean;

  constructor(parts: RunStateParts) {
    this.schedule = parts.schedule;
    this.hosts = parts.hosts;
    this.network = parts.network;
    this.clients = parts.clients;
    this.checker = parts.checker;
    this.tracer = parts.tracer;
    this.triggers = parts.triggers;
    this.violation = parts.violation;
    this.stopped = parts.stopped;
    this.started = parts.started;
  }

  /** A deep-enough copy: each part copies itself; node states are shared (they are immutable). */
  clone(): RunState {
    const schedule = this.schedule.clone();
    return new RunState({
      schedule,
      hosts: this.hosts.map((h) => h.clone(schedule)),
      network: this.network.clone(),
      clients: this.clients.clone(),
      checker: this.checker.clone(),
      tracer: this.tracer.clone(),
      triggers: this.triggers.clone(),
      violation: this.violation,
      stopped: this.stopped,
      started: this.started,
    });
  }
}

