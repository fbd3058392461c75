import type { Kysely } from "kysely";
import type { Store } from "../domain/ports.ts";
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
import { CachingDirectoryRepository } from "./cache/caching-directory-repository.ts";
import { CachingTokenRepository } from "./cache/caching-token-repository.ts";
import { GenerationCache } from "./cache/generation-cache.ts";
import { type GenerationSource, noGeneration } from "./cache/generation-source.ts";

/**
 * Builds the domain's Store over a Kysely handle (the pool, or one transaction). With a generation
 * source (SQLite), directory and token lookups are cached per generation; inside a transaction
 * they always read through.
 */
export function createStore(db: Kysely<Database>, box: SecretBox, generation: GenerationSource = noGeneration): Store {
  const cache = db.isTransaction ? undefined : new GenerationCache(generation);
  return {
    leads: new KyselyLeadRepository(db),
    forms: new KyselyFormRepository(db),
    directory: cache ? new CachingDirectoryRepository(db, box, cache) : new KyselyDirectoryRepository(db, box),
    tokens: cache ? new CachingTokenRepository(db, cache) : new KyselyTokenRepository(db),
    settings: new KyselySettingsRepository(db),
    subscriptions: new KyselySubscriptionRepository(db),
    catalog: new KyselyCatalogRepository(db),
    webhooks: new KyselyWebhookRepository(db),
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      if (db.isTransaction) return fn(this);
      return db.transaction().execute((trx) => fn(createStore(trx, box)));
    },
  };
}
