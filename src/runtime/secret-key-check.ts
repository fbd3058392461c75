import type { SettingsRepository } from "../domain/ports.ts";
import type { SecretBox } from "../storage/index.ts";

const CHECK = "secret_key_check";

/**
 * Instances sharing a database must share the secret key: a value sealed by one is opened by all
 * (admin key, app secrets). A sealed marker, written by whichever instance starts first, lets an
 * instance with another key stop at start with a message that says so, rather than fail later on
 * the first app secret it cannot open.
 */
export async function verifySecretKey(settings: SettingsRepository, box: SecretBox, keySource: string): Promise<void> {
  // Databases set up before the marker existed: the sealed admin key serves as the witness.
  const witness =
    (await settings.get(CHECK)) ??
    (await settings.get("admin_key_sealed")) ??
    (await settings.getOrInit(CHECK, () => box.seal("leadgraph secret key check")));
  try {
    box.open(witness);
  } catch (e) {
    throw new Error(
      `the secret key (${keySource}) is not the one this database was set up with: every instance sharing a database ` +
        "must be started with the same LEADGRAPH_SECRET_KEY (or --secret-key). Use the key of the instances already " +
        "running; with a new key, the sealed admin key and app secrets in the database cannot be opened.",
      { cause: e },
    );
  }
}
