/**
 * The layers of src/, checked by `npm run lint:layers` (part of `npm test`). docs/architecture.md
 * describes them; this file is the rule.
 */

/**
 * A folder's public surface is its index.ts. Beside it, other folders may import only the deep
 * files listed here, per folder, with why; the rest of a folder is private to it. Folders not
 * listed (storage, dispatcher, http-kit, client, testing) are entered through index.ts alone.
 */
const DEEP_ENTRIES = {
  // The core: every file holds one rule or record type, imported by name where it is used.
  domain: [".+"],
  // Node-only helpers the contract shares between server and sync, kept off the client's index.
  contract: ["formula-cells\\.ts", "private-files\\.ts", "redact-secrets\\.ts", "wall-clock\\.ts"],
  // The assembled runtime, its configuration, and the start-up error explanations the CLI prints.
  runtime: ["runtime\\.ts", "config\\.ts", "connect-errors\\.ts"],
  // The Graph surface: the executor, its HTTP route and parameters, the pieces admin routes reuse.
  graph: [
    "execute\\.ts",
    "http-route\\.ts",
    "params\\.ts",
    "input-limits\\.ts",
    "forms/create-form-edge\\.ts",
    "forms/definition-error\\.ts",
    "nodes/form-node\\.ts",
    "special/token-inspection\\.ts",
  ],
  // Each HTTP module, registered by src/http/modules.ts.
  admin: ["[a-z-]+-routes\\.ts", "access-modules\\.ts"],
  export: ["export-module\\.ts"],
  "hosted-form": ["hosted-form-module\\.ts"],
  console: ["serve-console\\.ts"],
  ops: ["ops-routes\\.ts", "database-fault-log\\.ts", "graceful-shutdown\\.ts", "instance-standing-log\\.ts"],
  // The app and its logger, started by the CLI and the testing API.
  http: ["app\\.ts", "logger\\.ts"],
  intercept: ["certificate-authority\\.ts", "intercept-proxy\\.ts", "interception\\.ts", "meta-hosts\\.ts"],
  erasure: ["erase-leads\\.ts", "person-match\\.ts", "retention-job\\.ts"],
  import: ["import-leads\\.ts", "read-rows\\.ts"],
  world: ["load-world\\.ts", "read-world-file\\.ts", "seed-demo\\.ts", "world-schema\\.ts"],
  // Erasure of synced leads, run by the CLI's sync erasure commands.
  sync: ["sync-erasure\\.ts"],
};

const allowedTargets = [
  "^src/[^/]+/index\\.ts$",
  "^src/version\\.ts$",
  ...Object.entries(DEEP_ENTRIES).map(([f, files]) => `^src/${f}/(${files.join("|")})$`),
];

const DRIVERS = "^node_modules/(better-sqlite3|pg|kysely)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-file-cycles",
      comment: "A file cycle makes load order matter; move the shared piece into a file both import.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-folder-cycles",
      comment: "Folders form layers: a folder never reaches back to one that imports it.",
      severity: "error",
      scope: "folder",
      from: { path: "^src/[^/]+$" },
      to: { path: "^src/[^/]+$", circular: true },
    },
    {
      name: "contract-imports-nothing",
      comment: "The wire types are shared by the server and the client: they depend on no other folder.",
      severity: "error",
      from: { path: "^src/contract/" },
      to: { path: "^src/", pathNot: "^src/contract/" },
    },
    {
      name: "domain-imports-only-contract",
      comment: "The domain holds the rules and declares the ports; it knows no transport, storage or runtime.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: ["^src/", "^node_modules/(fastify|kysely|pg|better-sqlite3|zod|pino)/"], pathNot: "^src/(domain|contract)/" },
    },
    {
      name: "storage-implements-domain",
      comment: "Storage implements the domain's ports: it imports the domain and the contract, nothing above.",
      severity: "error",
      from: { path: "^src/storage/" },
      to: { path: "^src/", pathNot: "^src/(storage|domain|contract)/" },
    },
    {
      name: "drivers-only-in-storage",
      comment: "Only the storage folders talk to Kysely or a database driver; everything else goes through the store.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(storage|sync/storage)/" },
      to: { path: DRIVERS },
    },
    {
      name: "client-imports-no-server",
      comment: "The client is published on its own: it shares the contract and nothing of the server or sync.",
      severity: "error",
      from: { path: "^src/client/" },
      to: { path: "^src/", pathNot: "^src/(client|contract)/" },
    },
    {
      name: "sync-imports-no-server",
      comment: "Sync is the consumer side: it talks to a Graph server through the client, never through server code.",
      severity: "error",
      from: { path: "^src/sync/" },
      to: { path: "^src/", pathNot: "^src/(sync|client|contract|erasure/person-match\\.ts$)" },
    },
    {
      name: "enter-folders-through-their-surface",
      comment: "Across folders, import a folder's index.ts or one of the deep entries .dependency-cruiser.cjs lists for it.",
      severity: "error",
      from: { path: "^src/([^/]+)/" },
      to: { path: "^src/", pathNot: ["^src/$1/", ...allowedTargets] },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/console/web/" },
  },
};
