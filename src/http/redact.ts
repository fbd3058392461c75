/** Server logs mask credentials with the rule shared by the client and `leadgraph sync` (contract/redact-secrets.ts). */
export {
  isSecretParam,
  redactLogArgs,
  redactQuery,
  redactText,
  redactUrl,
  SECRET_PARAMS,
  secretLogPaths,
} from "../contract/redact-secrets.ts";
