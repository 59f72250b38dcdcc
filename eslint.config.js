// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Host time, host randomness, host timers and host I/O have no place where a run is decided. */
const determinism = {
  "no-restricted-properties": [
    "error",
    { object: "Date", property: "now", message: "Use ctx.now(): host time breaks determinism." },
    { object: "Math", property: "random", message: "Use ctx.random() or a seeded stream: host randomness breaks determinism." },
    { object: "performance", property: "now", message: "Host time breaks determinism." },
    { object: "process", property: "hrtime", message: "Host time breaks determinism." },
  ],
  "no-restricted-globals": [
    "error",
    { name: "setTimeout", message: "Emit a set-timer effect: host timers break determinism." },
    { name: "setInterval", message: "Emit a set-timer effect: host timers break determinism." },
    { name: "setImmediate", message: "Host scheduling breaks determinism." },
    { name: "queueMicrotask", message: "Host scheduling breaks determinism." },
  ],
  "no-restricted-syntax": [
    "error",
    { selector: "NewExpression[callee.name='Date']", message: "Host time breaks determinism." },
  ],
  "no-restricted-imports": [
    "error",
    { patterns: [{ group: ["node:*", "fs", "net", "os", "child_process", "crypto", "timers"], message: "Kernel and protocols do no host I/O." }] },
  ],
};

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "spec/**", "tools/**", "**/.mutants/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["packages/kernel/src/**/*.ts", "packages/two-phase-commit/src/**/*.ts", "packages/raft/src/**/*.ts", "packages/pubsub/src/**/*.ts"],
    // The socket edges of pub/sub (the wire server, the TCP client) do host I/O and read host time.
    ignores: ["packages/pubsub/src/wire/server.ts", "packages/pubsub/src/client/**"],
    rules: determinism,
  },
  {
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", require: "readonly", module: "writable" } },
  },
  // CommonJS files exist to exercise `require`.
  { files: ["**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
);
