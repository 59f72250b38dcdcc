/** Re-exports `@faultline/pubsub` as `faultline/pubsub`. @packageDocumentation */
export * from "@faultline/pubsub";
