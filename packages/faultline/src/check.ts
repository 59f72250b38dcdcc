/** Re-exports `@faultline/check` as `faultline/check`. @packageDocumentation */
export * from "@faultline/check";
