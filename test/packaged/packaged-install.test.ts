import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningLeadgraph, startLeadgraph } from "../../src/testing/index.ts";
import { exampleWorld } from "../support/worlds.ts";
import { installClient, installServer, npm, ROOT, typecheck } from "../../scripts/packaged-install.ts";

const exec = promisify(execFile);

/**
 * The packages as users get them: built, packed with `npm pack`, installed from the tarballs into
 * fresh projects without network, and used from plain JavaScript (ESM and CommonJS) and TypeScript.
 */
let work: string;
let serverTgz: string;
let clientTgz: string;
let lg: RunningLeadgraph;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "lg-packaged-"));
  // The compiled lib/ and the client (incremental: no-ops after `npm ci` built them). The console
  // is built by `pretest`; it is not rebuilt here, since Vite empties dist/console first and the
  // console tests may be serving it at this moment.
  await npm(["run", "build:lib"], ROOT);
  if (!existsSync(join(ROOT, "dist/console/index.html"))) await npm(["run", "build:console"], ROOT);
  await npm(["run", "build", "-w", "@leadgraph/client"], ROOT);
  const packs = join(work, "packs");
  mkdirSync(packs, { recursive: true });
  await npm(["pack", "--ignore-scripts", "--pack-destination", packs], ROOT);
  await npm(["pack", "--ignore-scripts", "-w", "@leadgraph/client", "--pack-destination", packs], ROOT);
  serverTgz = join(
    packs,
    readdirSync(packs).find((f) => /^leadgraph-\d/.test(f))!,
  );
  clientTgz = join(
    packs,
    readdirSync(packs).find((f) => f.startsWith("leadgraph-client-"))!,
  );
  lg = await startLeadgraph({ world: exampleWorld() });
}, 20 * 60_000);

afterAll(async () => {
  await lg?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A script that reads form 8001's leads, subscribes app 1001 to a receiver of its own, makes a test lead and waits for its signed webhook. */
const clientScript = (load: string) => `${load}
const http = require_("node:http");
async function main() {
  const [url, token, appSecret] = process.argv.slice(2);
  const client = new GraphLeadsClient({ accessToken: token, appSecret, baseUrl: url });
  const ids = [];
  for await (const lead of client.leads("8001")) ids.push(lead.id);
  let webhook;
  const got = new Promise((resolve) => { webhook = resolve; });
  const server = http.createServer(createNodeWebhookHandler({ appSecret, verifyToken: "vt", onLeadgen: (changes) => webhook(changes) }));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const receiver = "http://127.0.0.1:" + server.address().port + "/hook";
  await client.subscribeApp({ appId: "1001", callbackUrl: receiver, verifyToken: "vt" });
  const forged = await fetch(receiver, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=" + "0".repeat(64) }, body: "{}" });
  const made = await client.post("8001/test_leads", {});
  const changes = await got;
  server.close();
  const check = verifySignature("{}", { "x-hub-signature-256": "sha256=00" }, appSecret);
  console.log(JSON.stringify({ ids, forged: forged.status, made: made.id, webhook: changes.map((c) => c.leadId), check: check.ok }));
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;

const runNode = async (cwd: string, args: string[], env: Record<string, string> = {}) =>
  (await exec(process.execPath, args, { cwd, env: { ...process.env, ...env }, timeout: 120_000 })).stdout;

describe("@leadgraph/client from its tarball", { timeout: 5 * 60_000 }, () => {
  // Each script makes a test lead, and a form takes one.
  beforeEach(() => lg.reset());

  for (const type of ["module", "commonjs"] as const) {
    it(`reads leads and verifies a signed webhook from plain JavaScript (${type === "module" ? "ESM" : "CommonJS"})`, async () => {
      const dir = join(work, `client-${type}`);
      await installClient(dir, clientTgz, type);
      expect(readdirSync(join(dir, "node_modules")).filter((n) => !n.startsWith("."))).toEqual(["@leadgraph"]);
      const load =
        type === "module"
          ? `import { GraphLeadsClient, createNodeWebhookHandler, verifySignature } from "@leadgraph/client";\nimport { createRequire } from "node:module";\nconst require_ = createRequire(import.meta.url);`
          : `const { GraphLeadsClient, createNodeWebhookHandler, verifySignature } = require("@leadgraph/client");\nconst require_ = require;`;
      const file = type === "module" ? "main.mjs" : "main.cjs";
      writeFileSync(join(dir, file), clientScript(load));
      const out = JSON.parse(await runNode(dir, [file, lg.url, "EAAB-page-acme", "s3cr3t-acme"])) as Record<string, unknown>;
      expect(out).toMatchObject({ ids: ["9002", "9001"], forged: 403, check: false });
      expect(out.webhook).toEqual([out.made]);
    });
  }

  it(
    "typechecks from TypeScript with moduleResolution NodeNext (ESM and CommonJS) and bundler",
    async () => {
      const dir = join(work, "client-ts");
      await installClient(dir, clientTgz, "module");
      const code = `import { GraphLeadsClient, GraphApiError, verifySignature, type Lead, type LeadgenChange } from "@leadgraph/client";
const client = new GraphLeadsClient({ accessToken: "t", baseUrl: "http://127.0.0.1:1" });
export async function first(form: string): Promise<Lead | undefined> {
  for await (const lead of client.leads(form, { fields: ["id", "field_data"] })) return lead;
  return undefined;
}
export const ok: boolean = verifySignature("{}", {}, "secret").ok;
export const isError = (e: unknown): e is GraphApiError => e instanceof GraphApiError;
export type Change = LeadgenChange["leadId"];
// @ts-expect-error a lead id is a string
export const wrong: Lead = { id: 1 };
`;
      writeFileSync(join(dir, "esm.mts"), code);
      writeFileSync(join(dir, "cjs.cts"), code);
      await typecheck(dir, { module: "NodeNext", moduleResolution: "NodeNext", skipLibCheck: false }, ["esm.mts", "cjs.cts"]);
      await typecheck(dir, { module: "ESNext", moduleResolution: "bundler", skipLibCheck: false }, ["esm.mts"]);
    },
    5 * 60_000,
  );
});

describe("leadgraph from its tarball", { timeout: 5 * 60_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(work, "server");
    await installServer(dir, serverTgz);
  }, 20 * 60_000);

  it("installs what runs and no build tools", () => {
    for (const tool of ["tsx", "esbuild", "typescript", "vite", "vitest"])
      expect(existsSync(join(dir, "node_modules", tool)), tool).toBe(false);
    const pkg = join(dir, "node_modules", "leadgraph");
    expect(readdirSync(pkg).sort()).toEqual(
      ["LICENSE", "README.md", "bin", "dist", "docs", "lib", "package.json"]
        .concat(existsSync(join(pkg, "CHANGELOG.md")) ? ["CHANGELOG.md"] : [])
        .sort(),
    );
    expect(existsSync(join(pkg, "src"))).toBe(false);
    expect(existsSync(join(pkg, "dist", "console", "index.html"))).toBe(true);
  });

  it("`npx leadgraph serve --demo` serves the Graph API and the console", async () => {
    const help = await exec(process.execPath, [join(dir, "node_modules/.bin/leadgraph"), "--help"], { cwd: dir });
    expect(help.stdout).toContain("serve [options]");
    let child: ChildProcess | undefined;
    try {
      // Its own process group: npx runs the server as a child, and both must stop at the end.
      child = spawn("npx", ["--offline", "leadgraph", "serve", "--demo", "--port", "0", "--db", join(dir, "demo.db")], {
        cwd: dir,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, PATH: `${join(process.execPath, "..")}:${process.env.PATH}` },
      });
      let out = "";
      child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
      await expect.poll(() => /leadgraph demo server: (http:\/\/\S+)/.exec(out)?.[1], { timeout: 120_000, interval: 200 }).toBeTruthy();
      const url = /leadgraph demo server: (http:\/\/\S+)/.exec(out)![1]!;
      const token = /page token, Acme Cars\s+(\S+)/.exec(out)![1]!;
      const forms = await fetch(`${url}/v25.0/me/leadgen_forms?access_token=${token}`);
      expect(forms.status).toBe(200);
      expect(((await forms.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
      const console_ = await fetch(`${url}/console/`);
      expect(console_.status).toBe(200);
      expect(await console_.text()).toMatch(/<script[^>]+src="\/console\/assets\//);
    } finally {
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const group = -child.pid;
        const exited = new Promise<void>((r) => child!.once("exit", () => r()));
        const signal = (sig: NodeJS.Signals) => {
          try {
            process.kill(group, sig);
          } catch {
            // the group is gone already
          }
        };
        signal("SIGTERM");
        const hard = setTimeout(() => signal("SIGKILL"), 15_000);
        await exited;
        clearTimeout(hard);
      }
    }
  });

  it("the testing API starts, resets and closes, with leadgraph/client beside it", async () => {
    writeFileSync(join(dir, "world.json"), JSON.stringify(exampleWorld()));
    writeFileSync(
      join(dir, "testing.mjs"),
      `import { startLeadgraph } from "leadgraph/testing";
import { GraphLeadsClient } from "leadgraph/client";
const t0 = performance.now();
const lg = await startLeadgraph({ world: "world.json" });
const startMs = performance.now() - t0;
const client = new GraphLeadsClient({ accessToken: lg.token({ type: "PAGE", page_id: "3001" }), baseUrl: lg.url });
const ids = async () => { const out = []; for await (const l of client.leads("8001")) out.push(l.id); return out; };
const [made] = await lg.createLead("8001", { field_data: [{ name: "email", values: ["a@example.com"] }] });
const before = await ids();
await lg.reset();
const after = await ids();
await lg.close();
console.log(JSON.stringify({ made, before, after, startMs }));
`,
    );
    const filesBefore = readdirSync(dir);
    const out = JSON.parse(await runNode(dir, ["testing.mjs"])) as { made: string; before: string[]; after: string[]; startMs: number };
    expect(out.before).toEqual([out.made, "9002", "9001"]);
    expect(out.after).toEqual(["9002", "9001"]);
    expect(readdirSync(dir).filter((f) => !filesBefore.includes(f))).toEqual([]);
  });

  it(
    "typechecks leadgraph/testing and leadgraph/client from TypeScript (NodeNext)",
    async () => {
      writeFileSync(
        join(dir, "use.ts"),
        `import { startLeadgraph, type RunningLeadgraph } from "leadgraph/testing";
import { GraphLeadsClient } from "leadgraph/client";
export async function go(): Promise<RunningLeadgraph> {
  const lg = await startLeadgraph({ world: { apps: [] }, now: "2026-12-01T00:00:00Z" });
  new GraphLeadsClient({ accessToken: lg.token({ label: "x" }), baseUrl: lg.url });
  await lg.clock.advance("1h");
  return lg;
}
`,
      );
      await typecheck(dir, { module: "NodeNext", moduleResolution: "NodeNext", skipLibCheck: true }, ["use.ts"]);
    },
    5 * 60_000,
  );
});
