import type { Migration } from "kysely/migration";
import type { SecretBox } from "../secret-box.ts";
import * as m0001 from "./0001-foundation.ts";
import * as m0004 from "./0004-webhooks.ts";
import * as m0005 from "./0005-rate-limit.ts";
import * as m0007 from "./0007-directory-generation.ts";
import * as m0008 from "./0008-rate-limit-running-total.ts";
import * as m0009 from "./0009-subscription-versions.ts";
import * as m0010 from "./0010-erasure-audit.ts";
import { sealServerSecrets } from "./0012-seal-server-secrets.ts";
import * as m0013 from "./0013-attempt-counters.ts";
import * as m0014 from "./0014-directory-notify.ts";
import * as m0015 from "./0015-charge-function.ts";
import * as m0016 from "./0016-test-leads-index.ts";

/**
 * Numbered, forward-only. Add new files here in order; never edit one that has shipped. Migrations
 * that seal data are given the secret key (`box`); without it they refuse a database holding
 * secrets to seal.
 */
export const migrationsFor = (box?: SecretBox): Record<string, Migration> => ({
  "0001-foundation": m0001,
  "0004-webhooks": m0004,
  "0005-rate-limit": m0005,
  "0007-directory-generation": m0007,
  "0008-rate-limit-running-total": m0008,
  "0009-subscription-versions": m0009,
  "0010-erasure-audit": m0010,
  "0012-seal-server-secrets": sealServerSecrets(box),
  "0013-attempt-counters": m0013,
  "0014-directory-notify": m0014,
  "0015-charge-function": m0015,
  "0016-test-leads-index": m0016,
});

/** The migrations as a migrator without the secret key sees them (names, schema-only databases). */
export const migrations: Record<string, Migration> = migrationsFor();
