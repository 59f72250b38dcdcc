/** Re-exports `@faultline/tcp` as `faultline/tcp`. @packageDocumentation */
export * from "@faultline/tcp";
