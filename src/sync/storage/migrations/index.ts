import type { Migration } from "kysely/migration";
import * as m0001 from "./0001-sync-foundation.ts";
import * as m0002 from "./0002-sync-pass-checkpoint.ts";
import * as m0003 from "./0003-sync-erasure.ts";

/** Numbered, forward-only migrations of the sync database. */
export const syncMigrations: Record<string, Migration> = {
  "0001-sync-foundation": m0001,
  "0002-sync-pass-checkpoint": m0002,
  "0003-sync-erasure": m0003,
};
