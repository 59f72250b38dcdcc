/** Filled in by the runner module. */
export {};
