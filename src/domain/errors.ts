/**
 * The one catalogue of errors the server sends: every Graph and administration API failure is an
 * entry of a family in `errors/` (code, subcode, type, HTTP status, message, when it is answered).
 * docs/errors.md is generated from it (`npm run docs:errors`), and test/error-construction.test.ts
 * fails on an error built anywhere else. The domain throws or returns GraphError; the HTTP layer
 * only serialises it.
 */
import { accessErrors } from "./errors/access-errors.ts";
import type { ErrorSpec } from "./errors/catalogue-entry.ts";
import { errors } from "./errors/graph-errors.ts";
import { leadErrors } from "./errors/lead-errors.ts";
import { webhookErrors } from "./errors/webhook-errors.ts";

export {
  GraphError,
  isGraphError,
  isUnknownObjectError,
  type GraphAuthError,
  type GraphErrorInit,
  type GraphErrorType,
} from "./errors/graph-error.ts";
export type { CatalogueEntry, ErrorSpec } from "./errors/catalogue-entry.ts";
export { LeadInputError } from "./errors/lead-errors.ts";
export { accessErrors, errors, leadErrors, webhookErrors };

export interface ErrorFamily {
  /** The exported object callers use (`errors.unknownObject(…)`). */
  name: string;
  title: string;
  entries: Record<string, { readonly spec: ErrorSpec<never> }>;
}

/** Every family, in the order docs/errors.md lists them. Entry names are unique across families. */
export const errorFamilies: readonly ErrorFamily[] = [
  { name: "errors", title: "Graph errors", entries: errors },
  { name: "accessErrors", title: "Access and administration errors", entries: accessErrors },
  { name: "leadErrors", title: "Lead input errors", entries: leadErrors },
  { name: "webhookErrors", title: "Webhook errors", entries: webhookErrors },
];
