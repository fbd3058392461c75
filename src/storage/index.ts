export { connect, type Connection, type DatabaseTarget } from "./database.ts";
export { migrateToLatest, isMigrated } from "./migrate.ts";
export { createStore } from "./store.ts";
export { SecretBox, hashToken } from "./secret-box.ts";
export type { Database } from "./schema.ts";
export { KyselyLeadUsageRepository } from "./repositories/lead-usage-repository.ts";
