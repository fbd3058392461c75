import type { Kysely, Selectable } from "kysely";
import type { TokenRecord, TokenType } from "../../domain/model.ts";
import type { TokenRepository } from "../../domain/ports.ts";
import type { Database, TokensTable } from "../schema.ts";

const toRecord = (r: Selectable<TokensTable>): TokenRecord => ({
  id: r.id,
  type: r.type as TokenType,
  appId: r.app_id,
  userId: r.user_id,
  pageId: r.page_id,
  scopes: JSON.parse(r.scopes),
  issuedAt: Number(r.issued_at),
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
  dataAccessExpiresAt: r.data_access_expires_at === null ? null : Number(r.data_access_expires_at),
  longLived: r.long_lived === 1,
  invalidatedSubcode: r.invalidated_subcode,
  invalidatedReason: r.invalidated_reason,
  label: r.label,
  displayPrefix: r.display_prefix,
});

export class KyselyTokenRepository implements TokenRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async findByHash(hash: string): Promise<TokenRecord | undefined> {
    const r = await this.#db.selectFrom("tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst();
    return r && toRecord(r);
  }
  async insert(t: TokenRecord, hash: string): Promise<void> {
    const row = {
      id: t.id,
      token_hash: hash,
      display_prefix: t.displayPrefix,
      type: t.type,
      app_id: t.appId,
      user_id: t.userId,
      page_id: t.pageId,
      scopes: JSON.stringify(t.scopes),
      issued_at: t.issuedAt,
      expires_at: t.expiresAt,
      data_access_expires_at: t.dataAccessExpiresAt,
      long_lived: t.longLived ? 1 : 0,
      invalidated_subcode: t.invalidatedSubcode,
      invalidated_reason: t.invalidatedReason,
      label: t.label,
    };
    // The same token text loaded twice (a world file re-seeded) updates in place.
    const { token_hash: _h, id: _i, ...rest } = row;
    await this.#db
      .insertInto("tokens")
      .values(row)
      .onConflict((oc) => oc.column("token_hash").doUpdateSet(rest))
      .execute();
  }
  async list(f: { appId?: string; userId?: string; pageId?: string }): Promise<TokenRecord[]> {
    let q = this.#db.selectFrom("tokens").selectAll();
    if (f.appId !== undefined) q = q.where("app_id", "=", f.appId);
    if (f.userId !== undefined) q = q.where("user_id", "=", f.userId);
    if (f.pageId !== undefined) q = q.where("page_id", "=", f.pageId);
    return (await q.orderBy("issued_at", "desc").orderBy("id", "desc").execute()).map(toRecord);
  }
  async invalidate(f: { id?: string; appId?: string; userId?: string; pageId?: string }, subcode: number, reason: string): Promise<number> {
    let q = this.#db
      .updateTable("tokens")
      .set({ invalidated_subcode: subcode, invalidated_reason: reason })
      .where("invalidated_subcode", "is", null);
    if (f.id !== undefined) q = q.where("id", "=", f.id);
    if (f.appId !== undefined) q = q.where("app_id", "=", f.appId);
    if (f.userId !== undefined) q = q.where("user_id", "=", f.userId);
    if (f.pageId !== undefined) q = q.where("page_id", "=", f.pageId);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows);
  }
  async delete(id: string): Promise<boolean> {
    const res = await this.#db.deleteFrom("tokens").where("id", "=", id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
