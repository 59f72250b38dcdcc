/** Filled in by the explore module. */
export {};
