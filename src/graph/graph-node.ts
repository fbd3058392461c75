import type { FieldSelection } from "../domain/fields.ts";
import type { ObjectKind } from "../domain/ports.ts";
import { errors } from "../domain/errors.ts";
import type { GraphContext } from "./context.ts";
import type { Params } from "./params.ts";
import { type ObjectShape, plain, serializeSelection } from "./selection.ts";
import type { Paging } from "../contract/index.ts";

/** A read of an edge, from `/{id}/{edge}` or from a nested `edge.limit(n){…}` field. */
export interface EdgeRequest {
  /** limit, after, before, filtering, summary… */
  params: Params;
  selection: FieldSelection[] | undefined;
  /** `<id>/<edge>`, for paging links. */
  linkPath: string;
  /** Parameters repeated in paging links (the token is added by the link builder). */
  linkParams: Params;
}

export interface EdgeResult {
  data: unknown[];
  paging?: Paging;
  summary?: Record<string, unknown>;
}

export interface GraphEdge<R> {
  read?(ctx: GraphContext, parent: R, req: EdgeRequest): Promise<EdgeResult>;
  create?: (ctx: GraphContext, parent: R, params: Params) => Promise<unknown>;
  remove?: (ctx: GraphContext, parent: R, params: Params) => Promise<unknown>;
}

/** One Graph node type: how to load it (with access checks), render it, and its edges. */
export interface GraphNode<R> {
  kind: ObjectKind;
  shape: ObjectShape<R>;
  /** Loads the object for this caller or throws the GraphError Meta would (100/33 when unseen). */
  load(ctx: GraphContext, id: string, method: "get" | "post" | "delete"): Promise<R>;
  edges: Record<string, GraphEdge<R>>;
  update?: (ctx: GraphContext, record: R, params: Params) => Promise<unknown>;
  remove?: (ctx: GraphContext, record: R, params: Params) => Promise<unknown>;
  /** Called before rendering, e.g. to charge the lead rate limit. */
  beforeRender?(ctx: GraphContext, record: R): Promise<void>;
}

const MODIFIER_PARAMS = ["limit", "after", "before", "filtering", "summary"];

/** Checks every requested name (and modifier) exists before anything is read, so errors cost no work. */
export function validateSelection<R>(node: GraphNode<R>, sel: readonly FieldSelection[] | undefined): void {
  if (!sel) return;
  for (const s of sel) {
    const isField = Object.hasOwn(node.shape.fields, s.name);
    const isEdge = !isField && Object.hasOwn(node.edges, s.name) && node.edges[s.name]!.read !== undefined;
    if (!isField && !isEdge) throw errors.nonexistingField(s.name, node.shape.typeName);
    const accepted = isField ? (node.shape.fieldModifiers?.[s.name] ?? []) : MODIFIER_PARAMS;
    for (const m of Object.keys(s.modifiers)) {
      if (!accepted.includes(m)) {
        throw errors.invalidParam(`Unknown modifier ${m} on field ${s.name} of node type (${node.shape.typeName})`);
      }
    }
  }
}

const defaults = new WeakMap<object, readonly FieldSelection[]>();

/** A node's default fields as a selection, built and checked once (most reads ask no `fields`). */
function defaultSelection<R>(node: GraphNode<R>): readonly FieldSelection[] {
  let sel = defaults.get(node);
  if (sel === undefined) {
    // Shared by every request: frozen, so a renderer that changed it would fail loudly.
    sel = Object.freeze(plain(node.shape.defaultFields).map((f) => Object.freeze({ ...f, modifiers: Object.freeze(f.modifiers) })));
    validateSelection(node, sel);
    defaults.set(node, sel);
  }
  return sel;
}

/** Renders a node with edges usable as fields (`leadgen_forms{leads.limit(5){id}}`). */
export async function renderNode<R>(
  ctx: GraphContext,
  node: GraphNode<R>,
  record: R,
  id: string,
  selection: readonly FieldSelection[] | undefined,
): Promise<Record<string, unknown>> {
  const sel = selection ?? defaultSelection(node);
  if (selection) validateSelection(node, sel);
  return renderValidated(ctx, node, record, id, sel);
}

/**
 * Renders many records of one node with one selection (a page of an edge): the selection is checked
 * once, and a record whose fields all resolve synchronously costs no await.
 */
export async function renderNodes<R>(
  ctx: GraphContext,
  node: GraphNode<R>,
  records: readonly R[],
  idOf: (record: R) => string,
  selection: readonly FieldSelection[] | undefined,
): Promise<Record<string, unknown>[]> {
  const sel = selection ?? defaultSelection(node);
  if (selection) validateSelection(node, sel);
  const out: Record<string, unknown>[] = [];
  for (const record of records) {
    const rendered = renderValidated(ctx, node, record, idOf(record), sel);
    out.push(rendered instanceof Promise ? await rendered : rendered);
  }
  return out;
}

const ID_SELECTION: FieldSelection = { name: "id", modifiers: {}, children: undefined };

/**
 * Renders synchronously up to the first edge or asynchronous field, then goes on asynchronously
 * from there (each field resolved exactly once either way).
 */
function renderValidated<R>(
  ctx: GraphContext,
  node: GraphNode<R>,
  record: R,
  id: string,
  sel: readonly FieldSelection[],
): Record<string, unknown> | Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const fields = node.shape.fields;
  for (let i = 0; i < sel.length; i++) {
    const s = sel[i]!;
    if (!Object.hasOwn(fields, s.name)) return renderRest(ctx, node, record, id, sel, i, out);
    const value = fields[s.name]!(ctx, record, s);
    if (value instanceof Promise) {
      return value.then((v) => {
        if (v !== undefined) out[s.name] = v;
        return renderRest(ctx, node, record, id, sel, i + 1, out);
      });
    }
    if (value !== undefined) out[s.name] = value;
  }
  if (!sel.some((s) => s.name === "id") && fields.id) {
    const value = fields.id(ctx, record, ID_SELECTION);
    if (value instanceof Promise) return value.then((v) => ({ ...out, id: v }));
    out.id = value;
  }
  return out;
}

async function renderRest<R>(
  ctx: GraphContext,
  node: GraphNode<R>,
  record: R,
  id: string,
  sel: readonly FieldSelection[],
  from: number,
  out: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  for (const s of sel.slice(from)) {
    const resolver = node.shape.fields[s.name];
    if (resolver && Object.hasOwn(node.shape.fields, s.name)) {
      const v = resolver(ctx, record, s);
      const value = v instanceof Promise ? await v : v;
      if (value !== undefined) out[s.name] = value;
      continue;
    }
    const edge = node.edges[s.name]!;
    const params: Params = { ...s.modifiers };
    const linkParams: Params = { ...s.modifiers };
    if (s.children) linkParams.fields = serializeSelection(s.children);
    out[s.name] = await edge.read!(ctx, record, { params, selection: s.children, linkPath: `${id}/${s.name}`, linkParams });
  }
  if (!sel.some((s) => s.name === "id") && node.shape.fields.id) {
    out.id = await node.shape.fields.id(ctx, record, ID_SELECTION);
  }
  return out;
}
