import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // what emitted programs import (compiler/emit/emit.ts SUPPORT_MODULE), as the sources
    alias: { "intel-vae/support": fileURLToPath(new URL("./runtime/support/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // tfjs backends are process-global; isolate test files in forks.
    pool: "forks",
    // dist/ fresh for child processes and type checks that resolve intel-vae/support
    globalSetup: ["test/setup/fresh-dist.ts"],
  },
});
