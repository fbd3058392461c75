import type { DefinitionIssue } from "../../domain/forms/form-definition.ts";
import { errors, type GraphError } from "../../domain/errors.ts";

/** `["questions", 3, "type"]` → `questions[3][type]`, the way Graph names nested params. */
export function paramPath(path: readonly (string | number)[]): string {
  const [head, ...rest] = path;
  return `${head ?? ""}${rest.map((p) => `[${p}]`).join("")}`;
}

/**
 * Turns a definition issue into the `(#100)` error Meta answers. Issues whose message is a whole
 * sentence (`Context card style is not provided`) are Meta's own wording and are sent verbatim.
 */
export function definitionError(issue: DefinitionIssue): GraphError {
  const param = paramPath(issue.path);
  const sentence = /^[A-Z]/.test(issue.message);
  switch (issue.kind) {
    case "enum":
      return errors.paramEnum(param, issue.allowed ?? [], issue.got ?? "");
    case "invalid_keys":
      return errors.invalidKeys(issue.keys ?? [], param);
    case "required":
      return sentence ? errors.invalidParam(issue.message) : errors.paramRequired(param);
    default:
      return errors.invalidParam(sentence ? issue.message : `Param ${param} ${issue.message}`);
  }
}
