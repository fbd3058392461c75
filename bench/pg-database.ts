import { randomBytes } from "node:crypto";
import pg from "pg";

/** Where `--db postgres` benchmarks create their databases: LEADGRAPH_BENCH_PG_URL or the local default. */
export const benchPgUrl = (): string => process.env.LEADGRAPH_BENCH_PG_URL || "postgres://postgres@127.0.0.1:5432/test";

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database beside the one `baseUrl` names (which only serves to connect), so a
 * benchmark never measures leftovers of an earlier run; dropped afterwards.
 */
export async function freshBenchDatabase(baseUrl = benchPgUrl()): Promise<BenchDatabase> {
  const name = `lg_bench_${randomBytes(5).toString("hex")}`;
  await adminQuery(baseUrl, `create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(baseUrl, `drop database if exists ${name} with (force)`) };
}

/**
 * A database kept between runs under `name` (the read benchmarks' million leads take a while to
 * build): created when missing or `fresh`, and said so, so the caller fills it.
 */
export async function keptBenchDatabase(name: string, fresh: boolean, baseUrl = benchPgUrl()): Promise<{ url: string; created: boolean }> {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const exists = (await client.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1;
    if (exists && !fresh) return { url: url.toString(), created: false };
    if (exists) await client.query(`drop database ${name} with (force)`);
    await client.query(`create database ${name}`);
    return { url: url.toString(), created: true };
  } finally {
    await client.end();
  }
}
