export { connect, type Connection, type DatabaseTarget } from "./database.ts";
export { migrateToLatest, isMigrated } from "./migrate.ts";
export { createStore } from "./store.ts";
export { SecretBox, hashToken } from "./secret-box.ts";
export type { Database } from "./schema.ts";
export { pingDatabase } from "./health.ts";
export { listInstances, type InstanceRow } from "./instance-node.ts";
export type { PoolStats } from "./database.ts";
export { listenOutbox } from "./dialects/postgres/outbox-listener.ts";
