#!/usr/bin/env node
// The package ships TypeScript sources; tsx compiles them on load so the bin works straight after `npm ci`.
import { register } from "tsx/esm/api";
register();
await import("../src/cli/main.ts");
