import { type Kysely, sql } from "kysely";
import type { SettingsRepository } from "../../domain/ports.ts";
import type { Database } from "../schema.ts";
import { openSealed, type SecretBox } from "../secret-box.ts";

export class KyselySettingsRepository implements SettingsRepository {
  readonly #db: Kysely<Database>;
  readonly #box: SecretBox;

  constructor(db: Kysely<Database>, box: SecretBox) {
    this.#db = db;
    this.#box = box;
  }
  async getOrInitSecret(key: string, init: () => string): Promise<string> {
    return openSealed(this.#box, await this.getOrInit(key, () => this.#box.seal(init())));
  }
  async get(key: string): Promise<string | undefined> {
    const r = await this.#db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
    return r?.value;
  }
  async getOrInit(key: string, init: () => string): Promise<string> {
    await this.#db
      .insertInto("settings")
      .values({ key, value: init() })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    const value = await this.get(key);
    if (value === undefined) throw new Error(`setting ${key} vanished`);
    return value;
  }
  async addToInteger(key: string, delta: number): Promise<number | undefined> {
    const r = await this.#db
      .updateTable("settings")
      .set({ value: sql<string>`cast(cast(value as bigint) + ${delta} as text)` })
      .where("key", "=", key)
      .returning("value")
      .executeTakeFirst();
    return r === undefined ? undefined : Number(r.value);
  }
  async set(key: string, value: string): Promise<void> {
    await this.#db
      .insertInto("settings")
      .values({ key, value })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
      .execute();
  }
}
