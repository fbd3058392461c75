import type { FieldSelection } from "../domain/fields.ts";
import type { GraphContext } from "./context.ts";

/** Resolves one field of a record, or a Promise of it; undefined means "omit the key" (Graph omits, never nulls). */
export type FieldResolver<R> = (ctx: GraphContext, record: R, sel: FieldSelection) => unknown;

export interface ObjectShape<R> {
  typeName: string;
  fields: Record<string, FieldResolver<R>>;
  defaultFields: readonly string[];
  /** Fields that take arguments, e.g. `has_lead_access.user_id(X)`: field → accepted modifier names. */
  fieldModifiers?: Record<string, readonly string[]>;
}

export const plain = (names: readonly string[]): FieldSelection[] => names.map((name) => ({ name, modifiers: {}, children: undefined }));

/** Writes a selection back as `fields` text, for nested paging links. */
export function serializeSelection(sel: readonly FieldSelection[]): string {
  return sel
    .map((s) => {
      const mods = Object.entries(s.modifiers)
        .map(([k, v]) => `.${k}(${v})`)
        .join("");
      return `${s.name}${mods}${s.children ? `{${serializeSelection(s.children)}}` : ""}`;
    })
    .join(",");
}
