/** Re-exports `@faultline/raft` as `faultline/raft`. @packageDocumentation */
export * from "@faultline/raft";
