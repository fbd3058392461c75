import type { Command } from "commander";

/**
 * Every command, named and described here so `leadgraph --help` lists them without loading any:
 * a command's module (and what it imports) loads only when that command runs or shows its help.
 * `term` and `description` repeat what the command itself declares; test/cli-help.test.ts checks
 * that they agree.
 */
export interface CommandEntry {
  name: string;
  /** How `--help` lists it: the name, `[options]` and its arguments. */
  term: string;
  description: string;
  load: () => Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: "serve",
    term: "serve [options]",
    description: "run the Graph-compatible lead retrieval server",
    load: async () => (await import("./commands/serve.ts")).serveCommand(),
  },
  {
    name: "seed",
    term: "seed [options] <file>",
    description: "load a world file into the database in one transaction (loading it twice is harmless)",
    load: async () => (await import("./commands/seed.ts")).seedCommand(),
  },
  {
    name: "migrate",
    term: "migrate [options]",
    description: "bring the database schema up to date (safe to run from many instances at once)",
    load: async () => (await import("./commands/migrate.ts")).migrateCommand(),
  },
  {
    name: "reset",
    term: "reset [options]",
    description: "reset a running server to a world: every lead, delivery and token it made is dropped",
    load: async () => (await import("./commands/reset.ts")).resetCommand(),
  },
  {
    name: "token",
    term: "token [options]",
    description: "issue, list, revoke and inspect access tokens on a running server",
    load: async () => (await import("./commands/token.ts")).tokenCommand(),
  },
  {
    name: "trigger",
    term: "trigger",
    description: "make things happen on a running server",
    load: async () => (await import("./commands/trigger.ts")).triggerCommand(),
  },
  {
    name: "import",
    term: "import [options] <file>",
    description:
      "import leads from a CSV or JSONL file into a form (columns = question keys; re-runs skip rows whose external_id was imported)",
    load: async () => (await import("./commands/import.ts")).importCommand(),
  },
  {
    name: "webhooks",
    term: "webhooks",
    description: "inspect and replay webhook deliveries, inject faults (talks to a running server)",
    load: async () => (await import("./webhooks/webhooks-command.ts")).webhooksCommand(),
  },
  {
    name: "listen",
    term: "listen [options]",
    description: "subscribe a local relay and forward every leadgen webhook (exact bytes and signatures) to a local URL",
    load: async () => (await import("./webhooks/listen-command.ts")).listenCommand(),
  },
  {
    name: "export",
    term: "export [options]",
    description: "download a form's leads as TSV (or CSV) from a running server, as /ads/lead_gen/export_csv/ serves them",
    load: async () => (await import("./commands/export.ts")).exportCommand(),
  },
  {
    name: "clock",
    term: "clock",
    description: "show or move the server's manual clock (shared by every instance on its database)",
    load: async () => (await import("./commands/clock.ts")).clockCommand(),
  },
  {
    name: "limits",
    term: "limits",
    description: "see each page's lead rate-limit usage, or force a page into the limited state",
    load: async () => (await import("./commands/limits.ts")).limitsCommand(),
  },
  {
    name: "intercept",
    term: "intercept [options]",
    description: "serve, and stand in for graph.facebook.com as an HTTPS proxy (HTTPS_PROXY) for unmodified clients",
    load: async () => (await import("./commands/serve.ts")).interceptCommand(),
  },
  {
    name: "leads",
    term: "leads",
    description: "erase leads: one by id, or every lead of a person (by email or phone); the erasure audit log",
    load: async () => (await import("./commands/leads.ts")).leadsCommand(),
  },
  {
    name: "sync",
    term: "sync [options]",
    description: "Keep a database of every lead of some pages: webhooks + reconciliation, rate-limit aware",
    load: async () => (await import("./commands/sync.ts")).syncCommand(),
  },
];
