/** Re-exports `@faultline/cli` as `faultline/cli`: cluster files, layered settings, node processes and the clients (`beginTransaction`, `kvRequest`). @packageDocumentation */
export * from "@faultline/cli";
