import { errors } from "../../domain/errors.ts";
import type { AppRecord } from "../../domain/model.ts";
import type { GraphContext } from "../context.ts";
import { appSubscriptionsEdge } from "../edges/app-subscriptions-edge.ts";
import type { GraphEdge, GraphNode } from "../graph-node.ts";
import type { ObjectShape } from "../selection.ts";

/** Apps have no category or link of their own here; these are the values every app shows. */
export const APP_CATEGORY = "Business";
export const appLink = (id: string): string => `https://www.facebook.com/games/?app_id=${id}`;

export const appShape: ObjectShape<AppRecord> = {
  typeName: "Application",
  defaultFields: ["link", "name", "id"],
  fields: {
    id: (_c, a) => a.id,
    name: (_c, a) => a.name,
    link: (_c, a) => appLink(a.id),
    category: () => APP_CATEGORY,
  },
};

/** An app's public fields are readable with any valid token, as on Graph. */
export async function loadApp(ctx: GraphContext, id: string, method: "get" | "post" | "delete"): Promise<AppRecord> {
  const app = await ctx.services.store.directory.getApp(id);
  if (!app) throw errors.unknownObject(id, method);
  return app;
}

export const appEdges: Record<string, GraphEdge<AppRecord>> = {
  subscriptions: appSubscriptionsEdge,
};

export const appNode: GraphNode<AppRecord> = {
  kind: "app",
  shape: appShape,
  load: loadApp,
  edges: appEdges,
};
