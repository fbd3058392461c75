import type { Transaction } from "kysely";
import type { Database } from "./schema.ts";

/** A transaction committed durably on the connection (Connection.durableTransaction). */
export type DurableTransaction = <T>(fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;
