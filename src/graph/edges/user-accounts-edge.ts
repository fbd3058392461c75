import type { KeysetPosition } from "../../domain/cursor.ts";
import type { PageRecord, UserRecord } from "../../domain/model.ts";
import type { EdgeResult, GraphEdge, GraphNode } from "../graph-node.ts";
import { renderNode, validateSelection } from "../graph-node.ts";
import { pageNode } from "../nodes/page-node.ts";
import { boolParam } from "../params.ts";
import { keysetPage, type KeysetQuery } from "../paging.ts";

/** A page as `/me/accounts` lists it: the page plus the caller's tasks on it. */
type AccountRecord = PageRecord & { tasks: string[] };

const accountNode: GraphNode<AccountRecord> = {
  kind: "page",
  shape: {
    ...pageNode.shape,
    defaultFields: ["access_token", "category", "category_list", "name", "id", "tasks"],
    fields: { ...pageNode.shape.fields, tasks: (_c, a) => a.tasks },
  },
  load: () => Promise.reject(new Error("accounts are rendered, never loaded")),
  edges: pageNode.edges,
};

/** Same order as the storage keysets: created_time desc, then id (numeric) desc. */
const compare = (a: KeysetPosition, b: KeysetPosition): number =>
  a.t !== b.t ? a.t - b.t : a.id.length !== b.id.length ? a.id.length - b.id.length : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

function slice<T>(rows: readonly T[], pos: (r: T) => KeysetPosition, q: KeysetQuery): T[] {
  const newestFirst = [...rows].sort((x, y) => compare(pos(y), pos(x)));
  if (q.olderThan) return newestFirst.filter((r) => compare(pos(r), q.olderThan!) < 0).slice(0, q.limit);
  if (q.newerThan) return newestFirst.filter((r) => compare(pos(r), q.newerThan!) > 0).slice(-q.limit);
  return newestFirst.slice(0, q.limit);
}

/**
 * `GET /me/accounts` and `/{user-id}/accounts`: pages the person has a task on, each with a page
 * token made from the calling token. Without `pages_show_list` the list is empty, as on Meta
 * (the classic "me/accounts returns no data").
 */
export const userAccountsEdge: GraphEdge<UserRecord> = {
  async read(ctx, user, req) {
    validateSelection(accountNode, req.selection);
    if (!ctx.caller.scopes.has("pages_show_list")) return { data: [] };
    const roles = await ctx.services.store.directory.rolesOfUser(user.id);
    const accounts: AccountRecord[] = [];
    for (const r of roles) {
      const page = await ctx.services.store.directory.getPage(r.pageId);
      if (page) accounts.push({ ...page, tasks: r.tasks });
    }
    const pos = (a: AccountRecord): KeysetPosition => ({ t: a.createdTime, id: a.id });
    const { rows, paging } = await keysetPage(ctx, req, `accounts:${user.id}`, async (q) => slice(accounts, pos, q), pos);
    const data = [];
    for (const a of rows) data.push(await renderNode(ctx, accountNode, a, a.id, req.selection));
    const result: EdgeResult = { data };
    if (paging) result.paging = paging;
    if (boolParam(req.params, "summary")) result.summary = { total_count: accounts.length };
    return result;
  },
};

/** `GET /me/permissions`: the scopes the calling token carries, all granted. */
export const userPermissionsEdge: GraphEdge<UserRecord> = {
  async read(ctx) {
    return { data: [...ctx.caller.scopes].sort().map((permission) => ({ permission, status: "granted" })) };
  },
};
