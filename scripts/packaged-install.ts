import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
export const ROOT = join(import.meta.dirname, "..");
const NPM_CLI = process.env.npm_execpath?.endsWith(".js") ? process.env.npm_execpath : undefined;

/** Runs npm with the node running the tests (so Node 22 and 24 runs install for themselves). */
export async function npm(args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const [file, argv] = NPM_CLI ? [process.execPath, [NPM_CLI, ...args]] : ["npm", args];
  const run = exec(file, argv, {
    cwd,
    env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false", ...env },
    maxBuffer: 64 << 20,
    timeout: 15 * 60_000,
  });
  const { stdout } = await run.catch((e: { stderr?: string; stdout?: string; message: string }) => {
    // npm's own error lines, not its engine warnings.
    const lines = `${e.stderr ?? ""}\n${e.stdout ?? ""}`.split("\n").filter((l) => /npm error|ERR!|error/i.test(l));
    throw new Error(`npm ${args.join(" ")} failed in ${cwd}:\n${lines.slice(-20).join("\n") || e.message}`);
  });
  return stdout;
}

interface LockEntry {
  dev?: boolean;
  link?: boolean;
  [k: string]: unknown;
}

/**
 * A fresh project that depends on the packed `leadgraph` tarball, installed with `npm ci --offline`.
 * `npm install --offline` of a tarball would need every dependency's registry document, which
 * `npm ci` never fetches; so the project gets a lockfile made from the repository's own (the
 * production part of the same tree, whose tarballs `npm ci` left in the npm cache, found there by
 * their integrity), and nothing is fetched.
 *
 * better-sqlite3 is compiled when `npm_config_nodedir` names the headers of the running Node (as
 * .ci/run sets it); otherwise install scripts are skipped and the binary this repository built for
 * the same Node is copied in, since compiling needs headers that would be downloaded.
 */
export async function installServer(dir: string, tarball: string, type: "module" | "commonjs" = "module"): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tgz = basename(tarball);
  copyFileSync(tarball, join(dir, tgz));
  const rootLock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
    dependencies: Record<string, string>;
    engines: unknown;
    license: string;
  };
  const project = { name: "packaged-server-test", version: "1.0.0", private: true, type, dependencies: { [pkg.name]: `file:${tgz}` } };
  const packages: Record<string, unknown> = {
    "": { name: project.name, version: project.version, dependencies: project.dependencies },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: `file:${tgz}`,
      integrity: `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: { leadgraph: "bin/leadgraph.js" },
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(rootLock.packages)) {
    if (path.startsWith("node_modules/") && !entry.dev && !entry.link) packages[path] = entry;
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify(project, null, 2));
  writeFileSync(
    join(dir, "package-lock.json"),
    JSON.stringify({ name: project.name, version: project.version, lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  const build = Boolean(process.env.npm_config_nodedir);
  await npm(["ci", "--offline", ...(build ? [] : ["--ignore-scripts"])], dir, build ? { npm_config_build_from_source: "true" } : {});
  if (!build) {
    const binary = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
    mkdirSync(join(dir, "node_modules/better-sqlite3/build/Release"), { recursive: true });
    copyFileSync(join(ROOT, binary), join(dir, binary));
  }
}

/** A fresh project with only the client tarball (it has no dependencies, so a plain offline install works). */
export async function installClient(dir: string, tarball: string, type: "module" | "commonjs"): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `packaged-client-${type}`, version: "1.0.0", private: true, type }));
  await npm(["install", "--offline", tarball], dir);
}

/** The repository's TypeScript compiler, run on a project's tsconfig. */
export async function typecheck(dir: string, compilerOptions: Record<string, unknown>, files: string[]): Promise<void> {
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "ES2022",
        typeRoots: [join(ROOT, "node_modules/@types")],
        types: ["node"],
        ...compilerOptions,
      },
      files,
    }),
  );
  await exec(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")], { cwd: dir }).catch(
    (e: { stdout?: string; message: string }) => {
      throw new Error(`tsc found errors:\n${e.stdout ?? e.message}`);
    },
  );
}
