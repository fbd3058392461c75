import type { Kysely } from "kysely";
import type { Store } from "../domain/ports.ts";
import { KyselyCatalogRepository } from "./repositories/catalog-repository.ts";
import { KyselyDirectoryRepository } from "./repositories/directory-repository.ts";
import { KyselyLeadExportRepository } from "./repositories/export-repository.ts";
import { KyselyFormRepository } from "./repositories/forms-repository.ts";
import { KyselyLeadRepository } from "./repositories/leads-repository.ts";
import { KyselySettingsRepository } from "./repositories/settings-repository.ts";
import { KyselySubscriptionRepository } from "./repositories/subscriptions-repository.ts";
import { KyselyTokenRepository } from "./repositories/tokens-repository.ts";
import { KyselyWebhookRepository } from "./repositories/webhooks-repository.ts";
import type { Database } from "./schema.ts";
import type { SecretBox } from "./secret-box.ts";

/** Builds the domain's Store over a Kysely handle (the pool, or one transaction). */
export function createStore(db: Kysely<Database>, box: SecretBox): Store {
  return {
    leads: new KyselyLeadRepository(db),
    leadExport: new KyselyLeadExportRepository(db),
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
  };
}
