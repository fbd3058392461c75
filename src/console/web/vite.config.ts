import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

// Served under /console by src/console/serve-console.ts; everything is bundled, nothing is fetched
// from a CDN at run time.
export default defineConfig({
  root: here,
  base: "/console/",
  plugins: [preact()],
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../../dist/console", import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
});
