import type { Migration } from "kysely/migration";
import * as m0001 from "./0001-foundation.ts";
import * as m0004 from "./0004-webhooks.ts";
import * as m0005 from "./0005-rate-limit.ts";
import * as m0007 from "./0007-directory-generation.ts";
import * as m0008 from "./0008-rate-limit-running-total.ts";
import * as m0009 from "./0009-subscription-versions.ts";
import * as m0010 from "./0010-erasure-audit.ts";

/** Numbered, forward-only. Add new files here in order; never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  "0001-foundation": m0001,
  "0004-webhooks": m0004,
  "0005-rate-limit": m0005,
  "0007-directory-generation": m0007,
  "0008-rate-limit-running-total": m0008,
  "0009-subscription-versions": m0009,
  "0010-erasure-audit": m0010,
};
