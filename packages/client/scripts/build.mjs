// Builds the client twice from the repository's src/client and src/contract: ES modules in
// dist/esm, CommonJS in dist/cjs (marked as such for Node and TypeScript by its own package.json).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(join(here, "../../package.json")).resolve("typescript/bin/tsc");
rmSync(join(here, "dist"), { recursive: true, force: true });
for (const config of ["tsconfig.esm.json", "tsconfig.cjs.json"]) {
  execFileSync(process.execPath, [tsc, "-p", join(here, config)], { stdio: "inherit" });
}
mkdirSync(join(here, "dist/cjs"), { recursive: true });
writeFileSync(join(here, "dist/cjs/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
copyFileSync(join(here, "../../LICENSE"), join(here, "LICENSE"));
