import { errors } from "../domain/errors.ts";
import type { FieldSelection } from "../domain/fields.ts";
import type { GraphContext } from "./context.ts";

/** Resolves one field of a record; undefined means "omit the key" (Graph omits, never nulls). */
export type FieldResolver<R> = (ctx: GraphContext, record: R, sel: FieldSelection) => unknown | Promise<unknown>;

export interface ObjectShape<R> {
  typeName: string;
  fields: Record<string, FieldResolver<R>>;
  defaultFields: readonly string[];
  /** Fields that take arguments, e.g. `has_lead_access.user_id(X)`: field → accepted modifier names. */
  fieldModifiers?: Record<string, readonly string[]>;
}

export const plain = (names: readonly string[]): FieldSelection[] => names.map((name) => ({ name, modifiers: {}, children: undefined }));

/** Checks every requested name exists before anything is read, so an error costs no work. */
export function checkSelection<R>(shape: ObjectShape<R>, selection: readonly FieldSelection[]): void {
  for (const sel of selection) {
    if (!Object.hasOwn(shape.fields, sel.name)) throw errors.nonexistingField(sel.name, shape.typeName);
  }
}

/**
 * Renders a record with the requested fields in the requested order; `id` always comes along
 * (appended when not asked for, as Graph does).
 */
export async function renderObject<R>(
  ctx: GraphContext,
  shape: ObjectShape<R>,
  record: R,
  selection: readonly FieldSelection[] | undefined,
): Promise<Record<string, unknown>> {
  const sel = selection ?? plain(shape.defaultFields);
  checkSelection(shape, sel);
  const out: Record<string, unknown> = {};
  let hasId = false;
  for (const s of sel) {
    if (s.name === "id") hasId = true;
    const v = await shape.fields[s.name]!(ctx, record, s);
    if (v !== undefined) out[s.name] = v;
  }
  if (!hasId && shape.fields.id) out.id = await shape.fields.id(ctx, record, { name: "id", modifiers: {}, children: undefined });
  return out;
}

/** Writes a selection back as `fields` text, for nested paging links. */
export function serializeSelection(sel: readonly FieldSelection[]): string {
  return sel.map((s) => {
    const mods = Object.entries(s.modifiers).map(([k, v]) => `.${k}(${v})`).join("");
    return `${s.name}${mods}${s.children ? `{${serializeSelection(s.children)}}` : ""}`;
  }).join(",");
}
