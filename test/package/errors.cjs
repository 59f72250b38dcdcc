// A ConfigError's stack, with source maps on: it must point into the TypeScript sources.
const { simulate } = require("faultline");
try {
  simulate({ seed: 1, nodes: [{ id: "a", protocol: null }] });
} catch (e) {
  process.stdout.write(e.stack);
}
