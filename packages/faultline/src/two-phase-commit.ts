/** Re-exports `@faultline/two-phase-commit` as `faultline/two-phase-commit`. @packageDocumentation */
export * from "@faultline/two-phase-commit";
