import { entry } from "./catalogue-entry.ts";
import { GraphError, type GraphErrorInit } from "./graph-error.ts";

/**
 * A submitted lead that does not fit its form. Its own kind because the ways in that are not
 * Graph calls (world files, CSV import, the hosted form) catch it and re-word it with `path`.
 */
export class LeadInputError extends GraphError {
  /** Where in the submitted leads, e.g. `leads[3].field_data[1].values[0]`. */
  readonly path: string;
  constructor(init: GraphErrorInit, path: string) {
    super(init);
    this.path = path;
  }
}

export const leadErrors = {
  leadInput: entry(
    {
      code: 100,
      type: "OAuthException",
      status: 400,
      message: (path: string, detail: string) => `(#100) ${path}: ${detail}`,
      docArgs: ["<path, e.g. leads[3].field_data[1].values[0]>", "<problem>"],
      when: "a lead given to `POST /_leadgraph/admin/forms/{id}/leads` or `POST /{form-id}/test_leads` that does not fit its form (unknown question key, a value outside the options, a form not taking leads…); world files and CSV imports report the same problem by file position or row",
    },
    (init, path) => new LeadInputError(init, path),
  ),
};
