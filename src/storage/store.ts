import type { Kysely } from "kysely";
import type { Store } from "../domain/ports.ts";
import { KyselyCatalogRepository } from "./repositories/catalog-repository.ts";
import { KyselyDirectoryRepository } from "./repositories/directory-repository.ts";
import { KyselyErasureRepository } from "./repositories/erasure-repository.ts";
import { KyselyLeadExportRepository } from "./repositories/export-repository.ts";
import { FormDefinitionCache } from "./repositories/form-definition-cache.ts";
import { type FormWrites, KyselyFormRepository } from "./repositories/forms-repository.ts";
import { KyselyLeadRepository } from "./repositories/leads-repository.ts";
import type { LeadCommit } from "./repositories/lead-writes.ts";
import { KyselySettingsRepository } from "./repositories/settings-repository.ts";
import { KyselySubscriptionRepository } from "./repositories/subscriptions-repository.ts";
import { KyselyTokenRepository } from "./repositories/tokens-repository.ts";
import { KyselyWebhookRepository } from "./repositories/webhooks-repository.ts";
import type { Database } from "./schema.ts";
import type { SecretBox } from "./secret-box.ts";
import { CachingDirectoryRepository } from "./cache/caching-directory-repository.ts";
import { CachingTokenRepository } from "./cache/caching-token-repository.ts";
import { GenerationCache } from "./cache/generation-cache.ts";
import type { GenerationSource } from "./cache/generation-source.ts";
import type { DurableTransaction } from "./durable-transaction.ts";

/**
 * Builds the domain's Store over the pool's Kysely handle, with this process's form definition
 * cache, its directory and token lookups cached per generation (SQLite's counter, PostgreSQL's
 * notifications), and the connection's way of writing leads as one durable unit.
 */
export function createStore(
  db: Kysely<Database>,
  box: SecretBox,
  durable: DurableTransaction,
  generation: GenerationSource,
  leadCommit: LeadCommit,
): Store {
  return storeOver(db, box, durable, leadCommit, new FormDefinitionCache(), undefined, new GenerationCache(generation));
}

/**
 * The Store over the pool, or (with `formWrites`) over one transaction. Inside a transaction the
 * directory reads through: what it sees there could still roll back.
 */
function storeOver(
  db: Kysely<Database>,
  box: SecretBox,
  durable: DurableTransaction,
  leadCommit: LeadCommit,
  formCache: FormDefinitionCache,
  formWrites?: FormWrites,
  cache?: GenerationCache,
): Store {
  // A form written in a transaction is invalidated at the write and again once the transaction ends,
  // so a read that raced the commit (and saw the old row) cannot leave the old definition cached.
  const inTransaction = async <T>(
    run: (body: (trx: Kysely<Database>) => Promise<T>) => Promise<T>,
    fn: (tx: Store) => Promise<T>,
  ): Promise<T> => {
    const written: FormWrites = new Set();
    try {
      return await run((trx) => fn(storeOver(trx, box, durable, leadCommit, formCache, written)));
    } finally {
      for (const id of written) formCache.invalidate(id);
    }
  };
  return {
    leads: new KyselyLeadRepository(db, leadCommit),
    leadExport: new KyselyLeadExportRepository(db),
    forms: new KyselyFormRepository(db, formCache, formWrites),
    directory: cache ? new CachingDirectoryRepository(db, box, cache) : new KyselyDirectoryRepository(db, box),
    tokens: cache ? new CachingTokenRepository(db, cache) : new KyselyTokenRepository(db),
    settings: new KyselySettingsRepository(db, box),
    subscriptions: new KyselySubscriptionRepository(db, box),
    catalog: new KyselyCatalogRepository(db),
    webhooks: new KyselyWebhookRepository(db),
    erasure: new KyselyErasureRepository(db, box),
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      if (db.isTransaction) return fn(this);
      return inTransaction((body) => db.transaction().execute(body), fn);
    },
    async durableTransaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      if (db.isTransaction) return fn(this);
      return inTransaction((body) => durable(body), fn);
    },
  };
}
