import { preparePrivateDatabaseFile, privatiseSidecars } from "../contract/private-files.ts";
import { type Kysely, sql } from "kysely";
import { connectPostgres, type PostgresOptions } from "./dialects/postgres/connect.ts";
import { postgresGeneration } from "./dialects/postgres/directory-generation.ts";
import { connectSqlite, type SqliteSession } from "./dialects/sqlite/connect.ts";
import { postgresDurableTransaction } from "./dialects/postgres/durable-transaction.ts";
import { postgresLeadCommit } from "./dialects/postgres/lead-commit.ts";
import type { DurableTransaction } from "./durable-transaction.ts";
import { type LeadCommit, transactionalLeadCommit } from "./repositories/lead-writes.ts";
import type { Database } from "./schema.ts";
import type { GenerationSource } from "./cache/generation-source.ts";
import { DatabaseFaults } from "./faults.ts";

export type DatabaseTarget = { kind: "sqlite"; file: string } | ({ kind: "postgres" } & PostgresOptions);

/** Connection pool occupancy (PostgreSQL); SQLite has one connection and no pool. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** Durable transactions and the fsynced commits that held them (SQLite's group commit). */
export interface DurableCommitStats {
  commits: number;
  bodies: number;
}

export interface Connection {
  db: Kysely<Database>;
  dialect: "sqlite" | "postgres";
  /** Lets the store cache directory rows: SQLite's counter, PostgreSQL's notifications (docs/architecture.md). */
  generation: GenerationSource;
  /** A transaction whose commit is on disk when it resolves (a lead's). */
  durableTransaction: DurableTransaction;
  /** Leads written outside a transaction as one durable unit: one statement on PostgreSQL where it fits. */
  leadCommit: LeadCommit;
  /** SQLite only: the session of the process's one connection. */
  sqlite?: SqliteSession;
  poolStats(): PoolStats | undefined;
  /** SQLite only: PostgreSQL groups commits itself, out of our sight. */
  durableCommitStats(): DurableCommitStats | undefined;
  /** Lost connections, full disks, locks: each reported with the driver's code (serve logs them). */
  faults: DatabaseFaults;
  /**
   * After a bulk load: PostgreSQL plans a list page from the leads table's statistics, which after a
   * large import still describe a nearly empty table (a page planned as a sort of every recent lead
   * of the form) until autovacuum analyses it, within a minute. Analysing at once gives the right
   * plan from the first page. SQLite plans by its indexes and keeps no statistics unless asked.
   */
  analyzeAfterBulkLoad(): Promise<void>;
  close: () => Promise<void>;
}

/** The single place that chooses a driver; everything else sees only Kysely<Database>. */
export function connect(target: DatabaseTarget): Connection {
  const faults = new DatabaseFaults();
  if (target.kind === "sqlite") {
    const created = preparePrivateDatabaseFile(target.file);
    const session = connectSqlite(target.file, faults);
    privatiseSidecars(target.file, created);
    const { db, close, generation, group } = session;
    return {
      db,
      dialect: "sqlite",
      generation,
      close,
      faults,
      sqlite: session,
      durableTransaction: session.durableTransaction,
      leadCommit: transactionalLeadCommit(session.durableTransaction),
      poolStats: () => undefined,
      durableCommitStats: () => group.stats,
      analyzeAfterBulkLoad: async () => undefined,
    };
  }
  const generation = postgresGeneration(target.url, { onError: (e) => faults.observe(e, "directory listener") });
  const { db, pool, close } = connectPostgres(target, faults, generation);
  const durableTransaction: DurableTransaction = (fn) => postgresDurableTransaction(db, fn);
  return {
    db,
    dialect: "postgres",
    generation,
    faults,
    durableTransaction,
    leadCommit: postgresLeadCommit(db, durableTransaction),
    close: async () => {
      await generation.close();
      await close();
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    durableCommitStats: () => undefined,
    analyzeAfterBulkLoad: async () => {
      await sql`analyze leads`.execute(db);
    },
  };
}
