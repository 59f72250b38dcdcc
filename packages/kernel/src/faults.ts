/**
 * Fault actions applied to a run: partitions and blocks on the network, crashes and restarts,
 * pauses, clock jumps and link changes. Crashing, restarting and resuming need the simulator's
 * step machinery, which it lends through {@link FaultTarget}.
 */
import type { FaultAction } from "./config.js";
import type { Network } from "./network.js";
import type { NodeHost } from "./nodes.js";
import type { NodeId } from "./protocol.js";
import type { TriggerAction } from "./triggers.js";

/** What applying a fault needs of the simulator. */
export interface FaultTarget {
  readonly network: Network;
  /** Virtual time now. */
  readonly time: number;
  /** Every node, in configuration order. */
  readonly hosts: readonly NodeHost[];
  /** The host of `id`; throws a ConfigError naming `field` for an unknown id. */
  host(id: NodeId, field: string): NodeHost;
  /** Stops an up node: state, timers and held inputs lost. */
  crash(h: NodeHost): void;
  /** Boots a crashed node from its records. */
  restart(h: NodeHost): void;
  /** Unfreezes a paused node and queues what it held. */
  resume(h: NodeHost): void;
  /** Arms a triggered fault. */
  arm(action: TriggerAction): void;
}

/** Applies one fault action now (its `at` has come). */
export function applyFault(action: FaultAction, target: FaultTarget): void {
  const network = target.network;
  switch (action.type) {
    case "partition":
      action.groups.forEach((group, i) =>
        action.groups.forEach((other, j) => {
          if (i === j) return;
          for (const x of group) for (const y of other) network.block(target.host(x, "from").index, target.host(y, "to").index);
        }),
      );
      return;
    case "block":
      return network.block(target.host(action.from, "from").index, target.host(action.to, "to").index);
    case "isolate": {
      const node = target.host(action.node, "node").index;
      for (const other of target.hosts) {
        network.block(node, other.index);
        network.block(other.index, node);
      }
      return;
    }
    case "heal":
      return network.heal();
    case "crash": {
      const h = target.host(action.node, "node");
      if (h.up) target.crash(h);
      return;
    }
    case "restart": {
      const h = target.host(action.node, "node");
      if (!h.up) target.restart(h);
      return;
    }
    case "pause": {
      const h = target.host(action.node, "node");
      h.paused = h.up;
      return;
    }
    case "resume": {
      const h = target.host(action.node, "node");
      if (h.paused) target.resume(h);
      return;
    }
    case "clock": {
      const h = target.host(action.node, "node");
      h.clockBase = action.offsetMs !== undefined ? target.time + action.offsetMs : h.now();
      h.clockT0 = target.time;
      if (action.drift !== undefined) h.drift = action.drift;
      return;
    }
    case "network": {
      const { at: _at, type: _type, from, to, ...change } = action;
      if (from !== undefined && to !== undefined) network.changeLink(target.host(from, "from").index, target.host(to, "to").index, change);
      else network.changeDefaults(change);
      return;
    }
    case "clog":
      return network.clog(target.host(action.from, "from").index, target.host(action.to, "to").index, target.time + action.forMs);
    case "trigger":
      return target.arm(action);
    default:
      return unknownAction(action);
  }
}

function unknownAction(action: never): never {
  throw new Error(`unhandled fault action ${JSON.stringify(action)}`);
}
