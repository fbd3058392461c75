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
