import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { isSealed, type SecretBox } from "../secret-box.ts";

/** Settings that are server secrets, sealed from this migration on (the admin key always was). */
export const SEALED_SETTINGS = ["cursor_secret", "hosted_form_secret"] as const;

/**
 * Seals the server secrets a database holds in plain: the cursor and hosted-form secrets in
 * `settings`, and every subscription's `verify_token`, with the secret key the runtime was started
 * with. The key is checked against the database's sealed witness first, so a wrong key fails the
 * migration instead of sealing under a key the other instances do not have. Without a key (a
 * migrator given none) only a database with nothing to seal can pass; one holding plain secrets
 * must be migrated by `leadgraph serve` or `leadgraph migrate`, which know the key.
 */
export function sealServerSecrets(box: SecretBox | undefined): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const settings: { key: string; value: string }[] = await db
        .selectFrom("settings")
        .select(["key", "value"])
        .where("key", "in", [...SEALED_SETTINGS, "secret_key_check", "admin_key_sealed"])
        .execute();
      const subs: { app_id: string; object: string; verify_token: string }[] = await db
        .selectFrom("webhook_subscriptions")
        .select(["app_id", "object", "verify_token"])
        .execute();
      const plainSettings = settings.filter((s) => (SEALED_SETTINGS as readonly string[]).includes(s.key) && !isSealed(s.value));
      const plainSubs = subs.filter((s) => !isSealed(s.verify_token));
      if (plainSettings.length === 0 && plainSubs.length === 0) return;
      if (!box)
        throw new Error(
          "sealing the server secrets needs the secret key: run `leadgraph migrate` or `leadgraph serve` with the instances' key",
        );
      const witness = settings.find((s) => s.key === "secret_key_check") ?? settings.find((s) => s.key === "admin_key_sealed");
      try {
        if (witness) box.open(witness.value);
      } catch (e) {
        throw new Error(
          "the secret key is not the one this database was set up with: every instance must be started with the same " +
            "LEADGRAPH_SECRET_KEY (or --secret-key); nothing was sealed",
          { cause: e },
        );
      }
      for (const s of plainSettings)
        await db
          .updateTable("settings")
          .set({ value: box.seal(s.value) })
          .where("key", "=", s.key)
          .execute();
      for (const s of plainSubs) {
        await db
          .updateTable("webhook_subscriptions")
          .set({ verify_token: box.seal(s.verify_token) })
          .where("app_id", "=", s.app_id)
          .where("object", "=", s.object)
          .execute();
      }
    },
  };
}
