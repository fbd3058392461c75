export { exportLeads } from "./export-leads.ts";
export { graphTimeToSeconds, leadToRow, rowToLead, secondsToGraphTime } from "./lead-row.ts";
export { connectSyncDatabase, migrateSyncDatabase, type SyncDatabaseTarget } from "./storage/connect.ts";
export { SyncStore } from "./storage/sync-store.ts";
export { loadSyncConfig, type SyncConfig, type SyncConfigInput, syncConfigFromEnv, syncConfigFromFile } from "./sync-config.ts";
export { createSyncLog, type SyncLog } from "./sync-log.ts";
export { SyncService } from "./sync-service.ts";
export { FORWARD_SIGNATURE_HEADER } from "./forwarder.ts";
