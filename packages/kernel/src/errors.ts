/** A configuration, plan or workload that cannot be run; `field` names the offending path. */
export class ConfigError extends Error {
  /** The path of the offending field, such as `plan[2].node` or `network.dropRate`. */
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`invalid ${field}: ${problem}`);
    this.name = "ConfigError";
    this.field = field;
  }
}

/**
 * A protocol threw inside `init` or `step`, returned something that is not a step, or emitted an
 * effect that cannot be carried out. The simulator stops the run with a `protocol-error`
 * violation; the TCP runtime logs it, drops the input and keeps serving.
 */
export class ProtocolError extends Error {
  /** The node whose step failed. */
  readonly node: string;
  /** Where in the step result the problem is, such as `effects[2].afterMs`; absent for a throw. */
  readonly field: string | undefined;
  constructor(node: string, message: string, field?: string) {
    super(message);
    this.name = "ProtocolError";
    this.node = node;
    this.field = field;
  }
}
