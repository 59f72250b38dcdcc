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
