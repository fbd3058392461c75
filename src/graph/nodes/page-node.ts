import { errors } from "../../domain/errors.ts";
import type { PageRecord } from "../../domain/model.ts";
import type { GraphContext } from "../context.ts";
import { pageLeadgenFormsEdge } from "../edges/page-leadgen-forms-edge.ts";
import { pageAccessFieldModifiers, pageAccessFields } from "../fields/page-access-fields.ts";
import { pageSubscribedAppsEdge } from "../edges/page-subscribed-apps-edge.ts";
import type { GraphEdge, GraphNode } from "../graph-node.ts";
import type { ObjectShape } from "../selection.ts";

export const pageShape: ObjectShape<PageRecord> = {
  typeName: "Page",
  defaultFields: ["name", "id"],
  fields: {
    id: (_c, p) => p.id,
    name: (_c, p) => p.name,
    category: (_c, p) => p.category,
    category_list: (_c, p) => [{ id: categoryId(p.category), name: p.category }],
    link: (_c, p) => `https://www.facebook.com/${p.id}`,
    is_published: () => true,
    ...pageAccessFields,
  },
  fieldModifiers: { ...pageAccessFieldModifiers },
};

/** A stable made-up category id, so `category_list` has Meta's shape. */
function categoryId(category: string): string {
  let h = 0n;
  for (const ch of category) h = (h * 131n + BigInt(ch.codePointAt(0)!)) % 1_000_000_000_000_000n;
  return (h + 100_000_000_000_000n).toString();
}

export async function loadVisiblePage(ctx: GraphContext, id: string, method: "get" | "post" | "delete"): Promise<PageRecord> {
  const page = await ctx.services.store.directory.getPage(id);
  if (!page) throw errors.unknownObject(id, method);
  await ctx.services.policy.assertCanSeePage(ctx.caller, page.id, id);
  return page;
}

/** Edges other issues hang on pages (subscribed_apps, assigned_users…) register here. */
export const pageEdges: Record<string, GraphEdge<PageRecord>> = {
  leadgen_forms: pageLeadgenFormsEdge,
  subscribed_apps: pageSubscribedAppsEdge,
};

export const pageNode: GraphNode<PageRecord> = {
  kind: "page",
  shape: pageShape,
  load: loadVisiblePage,
  edges: pageEdges,
};
