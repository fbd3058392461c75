/**
 * The packages as users meet them: `leadgraph --help` and `leadgraph serve --help` wall time (the
 * compiled CLI, beside a bare `node` start), the testing API's start-to-ready and reset time (in a
 * fresh process, beside its import), the client's packed and unpacked size, and the disk an
 * installed server takes (packed, installed offline into a fresh project as users would).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { installServer, npm, ROOT } from "../scripts/packaged-install.ts";

const exec = promisify(execFile);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function wallMs(args: string[], env: Record<string, string> = {}, runs = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await exec(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env } });
    times.push(performance.now() - t0);
  }
  return median(times);
}

function diskBytes(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, n) => sum + diskBytes(join(path, n)), 0);
}

const STARTUP = `
const cpuMs = (a) => { const d = process.cpuUsage(a); return (d.user + d.system) / 1000; };
const t0 = performance.now();
const { startLeadgraph } = await import("leadgraph/testing");
const t1 = performance.now();
const c1 = process.cpuUsage();
const lg = await startLeadgraph({ world: JSON.parse(process.argv[1]) });
const startCpuMs = cpuMs(c1);
const t2 = performance.now();
await lg.reset();
const t3 = performance.now();
await lg.close();
console.log(JSON.stringify({ importMs: t1 - t0, startMs: t2 - t1, startCpuMs, resetMs: t3 - t2 }));
`;

const SMALL_WORLD = {
  apps: [{ id: "1001", name: "CRM", secret: "bench-secret", mode: "live" }],
  users: [{ id: "2001", name: "Ann" }],
  pages: [{ id: "3001", name: "Page", category: "Business", roles: [{ user_id: "2001", tasks: ["MANAGE"] }] }],
  forms: [{ id: "8001", page_id: "3001", name: "Form", questions: [{ type: "EMAIL" }] }],
  tokens: [{ token: "EAAB-bench-page", type: "PAGE", app_id: "1001", user_id: "2001", page_id: "3001", scopes: ["leads_retrieval"] }],
};

export async function benchPackages(log: (line: string) => void): Promise<string[]> {
  log("building (npm run build)");
  await npm(["run", "build"], ROOT);
  const lines: string[] = [];
  const compiled = { LEADGRAPH_COMPILED: "1" };
  const bare = await wallMs(["-e", "0"]);
  const help = await wallMs(["bin/leadgraph.js", "--help"], compiled);
  const serveHelp = await wallMs(["bin/leadgraph.js", "serve", "--help"], compiled);
  lines.push(
    `packages leadgraph --help: ${help.toFixed(0)} ms wall (median of 7; bare node start ${bare.toFixed(0)} ms; target <= 300 ms${help <= 300 ? "  ok" : "  MISSED"})`,
  );
  lines.push(
    `packages leadgraph serve --help: ${serveHelp.toFixed(0)} ms wall (median of 7; target <= 300 ms${serveHelp <= 300 ? "  ok" : "  MISSED"})`,
  );

  const starts: { importMs: number; startMs: number; startCpuMs: number; resetMs: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const { stdout } = await exec(process.execPath, ["--input-type=module", "-e", STARTUP, JSON.stringify(SMALL_WORLD)], { cwd: ROOT });
    starts.push(JSON.parse(stdout) as (typeof starts)[number]);
  }
  const start = median(starts.map((s) => s.startMs));
  lines.push(
    `packages testing API start to ready: ${start.toFixed(0)} ms (median of 5; ${median(starts.map((s) => s.startCpuMs)).toFixed(0)} ms of CPU; import of leadgraph/testing ${median(starts.map((s) => s.importMs)).toFixed(0)} ms, reset ${median(starts.map((s) => s.resetMs)).toFixed(0)} ms; target < 1000 ms${start < 1000 ? "  ok" : "  MISSED"})`,
  );

  const work = mkdtempSync(join(tmpdir(), "lg-bench-packages-"));
  try {
    const packs = join(work, "packs");
    mkdirSync(packs);
    const [client] = JSON.parse(
      await npm(["pack", "--ignore-scripts", "--json", "-w", "@leadgraph/client", "--pack-destination", packs], ROOT),
    ) as { size: number; unpackedSize: number; entryCount: number }[];
    lines.push(
      `packages @leadgraph/client: ${(client!.size / 1024).toFixed(1)} kB packed, ${(client!.unpackedSize / 1024).toFixed(1)} kB installed, ${client!.entryCount} files, 0 dependencies`,
    );
    const [server] = JSON.parse(await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", packs], ROOT)) as {
      filename: string;
      size: number;
      unpackedSize: number;
    }[];
    const project = join(work, "server");
    await installServer(project, join(packs, server!.filename));
    const modules = readdirSync(join(project, "node_modules"))
      .filter((n) => !n.startsWith("."))
      .flatMap((n) => (n.startsWith("@") ? readdirSync(join(project, "node_modules", n)).map((m) => `${n}/${m}`) : [n]));
    lines.push(
      `packages leadgraph installed: ${(diskBytes(join(project, "node_modules")) / 1048576).toFixed(1)} MB in node_modules, ${modules.length} top-level packages (tarball ${(server!.size / 1024).toFixed(0)} kB packed, ${(server!.unpackedSize / 1048576).toFixed(1)} MB unpacked)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return lines;
}
