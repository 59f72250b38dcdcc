/** Filled in by the linearizability module. */
export {};
