import { type Kysely, SqliteAdapter, type Transaction } from "kysely";
import type { Store } from "../domain/ports.ts";
import { postgresDurableTransaction } from "./dialects/postgres/durable-transaction.ts";
import { sqliteDurableTransaction } from "./dialects/sqlite/durable-transaction.ts";
import { KyselyCatalogRepository } from "./repositories/catalog-repository.ts";
import { KyselyDirectoryRepository } from "./repositories/directory-repository.ts";
import { KyselyFormRepository } from "./repositories/forms-repository.ts";
import { KyselyLeadRepository } from "./repositories/leads-repository.ts";
import { KyselySettingsRepository } from "./repositories/settings-repository.ts";
import { KyselySubscriptionRepository } from "./repositories/subscriptions-repository.ts";
import { KyselyTokenRepository } from "./repositories/tokens-repository.ts";
import { KyselyWebhookRepository } from "./repositories/webhooks-repository.ts";
import type { Database } from "./schema.ts";
import type { SecretBox } from "./secret-box.ts";

type DurableTransaction = <T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;

/** Builds the domain's Store over a Kysely handle (the pool, or one transaction). */
export function createStore(db: Kysely<Database>, box: SecretBox): Store {
  const durable: DurableTransaction = db.getExecutor().adapter instanceof SqliteAdapter ? sqliteDurableTransaction : postgresDurableTransaction;
  return {
    leads: new KyselyLeadRepository(db),
    forms: new KyselyFormRepository(db),
    directory: new KyselyDirectoryRepository(db, box),
    tokens: new KyselyTokenRepository(db),
    settings: new KyselySettingsRepository(db),
    subscriptions: new KyselySubscriptionRepository(db),
    catalog: new KyselyCatalogRepository(db),
    webhooks: new KyselyWebhookRepository(db),
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      if (db.isTransaction) return fn(this);
      return db.transaction().execute((trx) => fn(createStore(trx, box)));
    },
    async durableTransaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      if (db.isTransaction) return fn(this);
      return durable(db, (trx) => fn(createStore(trx, box)));
    },
  };
}
