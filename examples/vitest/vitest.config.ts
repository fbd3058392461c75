import { defineConfig } from "vitest/config";

// A started server answers in milliseconds; the generous timeouts are for busy CI machines.
export default defineConfig({ test: { include: ["*.test.ts"], testTimeout: 30_000, hookTimeout: 30_000 } });
