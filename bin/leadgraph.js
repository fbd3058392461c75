#!/usr/bin/env node
// An installed package runs the compiled lib/ with plain node. A clone (src/ present, dev
// dependencies installed) runs the sources through tsx, so a change is live without a build;
// LEADGRAPH_COMPILED=1 runs the compiled lib/ there too (the bench and the packaged tests do).
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
let tsx;
if (process.env.LEADGRAPH_COMPILED !== "1" && existsSync(source)) tsx = await import("tsx/esm/api").catch(() => undefined);
if (tsx) {
  tsx.register();
  await import(source.href);
} else {
  await import("../lib/cli/main.js");
}
