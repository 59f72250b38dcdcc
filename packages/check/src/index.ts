/**
 * @faultline/check — finding bugs in protocols: fast-check arbitraries, a property runner with
 * shrinking and replay tokens, an exhaustive explorer over the kernel's step function, and a
 * linearizability checker.
 * @packageDocumentation
 */
export * from "./arbitraries/index.js";
export * from "./runner/index.js";
export * from "./explore/index.js";
export * from "./linearizability/index.js";
