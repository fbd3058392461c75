import { type Command, Option } from "commander";
import { connectSyncDatabase, migrateSyncDatabase, SyncStore, syncConfigFromEnv, syncConfigFromFile } from "../../sync/index.ts";
import { eraseSyncLead, eraseSyncPerson, findSyncPerson, renderSyncErasure, SYNC_NOT_RECALLED } from "../../sync/sync-erasure.ts";

interface DatabaseFlags {
  config?: string;
  db?: string;
  databaseUrl?: string;
  json?: boolean;
}

/** Runs `fn` on the sync database the flags (or LEADGRAPH_SYNC_* variables, or the config file) name. */
async function withSyncStore<T>(cmd: Command, own: DatabaseFlags, fn: (store: SyncStore) => Promise<T>): Promise<T> {
  // Options shared with the parent are parsed by it (commander reads parent options anywhere on the line).
  const parent = cmd.opts<DatabaseFlags>();
  const config = own.config ?? parent.config;
  const file = config ? syncConfigFromFile(config) : {};
  const env = syncConfigFromEnv(process.env);
  const databaseUrl = own.databaseUrl ?? parent.databaseUrl ?? env.databaseUrl ?? file.databaseUrl;
  const db = own.db ?? parent.db ?? env.db ?? file.db ?? "./leadgraph-sync.db";
  const conn = connectSyncDatabase(databaseUrl ? { kind: "postgres", url: databaseUrl } : { kind: "sqlite", file: db });
  try {
    await migrateSyncDatabase(conn.db);
    return await fn(new SyncStore(conn.db));
  } finally {
    await conn.close();
  }
}

type Erasure = ReturnType<typeof renderSyncErasure>;
const describe = (e: Erasure) =>
  `erased ${e.leads_erased} stored lead${e.leads_erased === 1 ? "" : "s"}${e.matched_by ? ` (matched by ${e.matched_by})` : ""}: ${e.lead_ids.join(", ") || "none"}\n` +
  `audit record ${e.id} at ${e.time}${e.reference ? ` (reference ${e.reference})` : ""}\n${SYNC_NOT_RECALLED}`;
const print = (json: boolean | undefined, value: unknown, human: string) =>
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);

/**
 * `leadgraph sync delete|erase|erasures`: erasure straight on the sync database (the service may be
 * running: the next reconciliation or webhook will not store an erased lead again).
 */
export function addSyncErasureCommands(cmd: Command): void {
  const sub = (name: string, description: string) =>
    cmd
      .command(name)
      .description(description)
      .option("--config <file>", "JSON config file (for db/databaseUrl)")
      .option("--db <file>", "SQLite file of the sync database")
      .option("--database-url <url>", "PostgreSQL URL of the sync database")
      .addOption(new Option("--json", "print the result as one JSON line"));

  sub("delete", "erase one stored lead by id")
    .argument("<id>", "lead id")
    .action(async (id: string, o: DatabaseFlags) => {
      if (!/^\d{1,20}$/.test(id)) throw new Error(`a lead id is numeric - got "${id.slice(0, 40)}"`);
      const erasure = await withSyncStore(cmd, o, (store) => eraseSyncLead(store, id, { via: "cli", reference: null }));
      if (!erasure) throw new Error(`no lead ${id} stored`);
      print(o.json, { success: true, erasure, not_recalled: SYNC_NOT_RECALLED }, describe(erasure));
    });

  sub("erase", "erase every stored lead whose answers hold this email or phone number")
    .option("--email <email>", "email address (compared without regard to case)")
    .option("--phone <phone>", "phone number, with its country code or with --country")
    .option("--country <region>", "two-letter region of a phone number written without country code")
    .option("--reference <text>", "your reference for the audit log (no personal data)")
    .option("--dry-run", "list the leads that would be erased, and erase nothing")
    .action(async (o: DatabaseFlags & { email?: string; phone?: string; country?: string; reference?: string; dryRun?: boolean }) => {
      if (o.email === undefined && o.phone === undefined) throw new Error("give --email, --phone or both");
      const q = {
        ...(o.email !== undefined ? { email: o.email } : {}),
        ...(o.phone !== undefined ? { phone: o.phone } : {}),
        ...(o.country !== undefined ? { country: o.country } : {}),
      };
      if (o.dryRun) {
        const found = await withSyncStore(cmd, o, (store) => findSyncPerson(store, q));
        print(
          o.json,
          { dry_run: true, leads_matched: found.leadIds.length, lead_ids: found.leadIds },
          `would erase ${found.leadIds.length} stored leads: ${found.leadIds.join(", ") || "none"}`,
        );
        return;
      }
      const erasure = await withSyncStore(cmd, o, (store) => eraseSyncPerson(store, q, { via: "cli", reference: o.reference ?? null }));
      print(o.json, { success: true, erasure, not_recalled: SYNC_NOT_RECALLED }, describe(erasure));
    });

  sub("erasures", "print the sync database's erasure audit log, newest first")
    .option("--limit <n>", "how many records", "25")
    .action(async (o: DatabaseFlags & { limit: string }) => {
      const rows = (await withSyncStore(cmd, o, (store) => store.erasure.listAudit(Math.max(1, Number(o.limit) || 25)))).map(
        renderSyncErasure,
      );
      print(
        o.json,
        { data: rows },
        rows.map((e) => `${e.time}  ${e.id}  ${e.kind.padEnd(6)} ${String(e.leads_erased).padStart(5)} leads  via ${e.via}`).join("\n") ||
          "no erasures recorded",
      );
    });
}
