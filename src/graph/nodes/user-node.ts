import { errors } from "../../domain/errors.ts";
import type { UserRecord } from "../../domain/model.ts";
import type { GraphContext } from "../context.ts";
import type { GraphEdge, GraphNode } from "../graph-node.ts";
import type { ObjectShape } from "../selection.ts";
import { userAccountsEdge, userPermissionsEdge } from "../edges/user-accounts-edge.ts";

export const userShape: ObjectShape<UserRecord> = {
  typeName: "User",
  defaultFields: ["name", "id"],
  fields: {
    id: (_c, u) => u.id,
    name: (_c, u) => u.name,
  },
};

/** A user is visible to tokens of that user (Graph shows others far less; leadgraph shows nothing). */
export async function loadVisibleUser(ctx: GraphContext, id: string, method: "get" | "post" | "delete"): Promise<UserRecord> {
  const user = await ctx.services.store.directory.getUser(id);
  if (!user || ctx.caller.userId !== id) throw errors.unknownObject(id, method);
  return user;
}

/** Edges other issues hang on users (accounts, permissions…) register here. */
export const userEdges: Record<string, GraphEdge<UserRecord>> = {
  accounts: userAccountsEdge,
  permissions: userPermissionsEdge,
};

export const userNode: GraphNode<UserRecord> = {
  kind: "user",
  shape: userShape,
  load: loadVisibleUser,
  edges: userEdges,
};
