import type { FormRecord, PageRecord } from "../../domain/model.ts";
import type { EdgeResult, GraphEdge } from "../graph-node.ts";
import { renderNode, validateSelection } from "../graph-node.ts";
import { formNode } from "../nodes/form-node.ts";
import { boolParam } from "../params.ts";
import { keysetPage } from "../paging.ts";
import { createLeadgenForm } from "../forms/create-form-edge.ts";

/** `GET /{page-id}/leadgen_forms`: newest first, paged like leads. */
export const pageLeadgenFormsEdge: GraphEdge<PageRecord> = {
  async read(ctx, page, req) {
    validateSelection(formNode, req.selection);
    const { rows, paging } = await keysetPage<FormRecord>(
      ctx,
      req,
      `forms:${page.id}`,
      (q) => ctx.services.store.forms.listByPage(page.id, q),
      (f) => ({ t: f.createdTime, id: f.id }),
    );
    const data = [];
    for (const f of rows) data.push(await renderNode(ctx, formNode, f, f.id, req.selection));
    const result: EdgeResult = { data };
    if (paging) result.paging = paging;
    if (boolParam(req.params, "summary")) result.summary = { total_count: await ctx.services.store.forms.countByPage(page.id) };
    return result;
  },
  create: createLeadgenForm,
};
