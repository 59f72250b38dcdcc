/**
 * Faultline: deterministic simulation testing of distributed protocols. The root export is the
 * kernel; `faultline/check`, `faultline/two-phase-commit`, `faultline/raft` and `faultline/tcp`
 * hold the rest.
 * @packageDocumentation
 */
export * from "@faultline/kernel";
