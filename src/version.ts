import { createRequire } from "node:module";

/**
 * The version, read from package.json at run time so it is written in one place. package.json sits one
 * level up from both src/version.ts and the compiled lib/version.js.
 */
export const version: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
