const VERSION = /^v\d+\.\d+$/;
const ID = /^(?:act_)?\d+$|^\d+_\d+$/;
const WORD = /^[a-z][a-z_]{0,39}$/;
const COMMON = /^\/(?:v\d+\.\d+\/)?\d+(?:\/([a-z][a-z_]{0,39}))?\/?(?:\?|$)/;

/**
 * The `route` label of request metrics. Fastify routes are labelled by their pattern; Graph paths
 * (one catch-all route) by their shape, ids folded to `{id}` and the version dropped:
 * `/v25.0/1234/leads` → `graph /{id}/leads`. Words are kept only on answered paths so a client
 * probing made-up paths cannot grow the label set without bound.
 */
export function routeLabel(pattern: string | undefined, url: string, status: number): string {
  if (pattern === undefined) return "unmatched";
  if (pattern !== "/*") return pattern;
  // The shapes of nearly every Graph call, labelled without splitting the URL.
  const common = COMMON.exec(url);
  if (common !== null) {
    const edge = common[1];
    return edge === undefined ? "graph /{id}" : `graph /{id}/${status < 400 ? edge : "{other}"}`;
  }
  const segments = (url.split("?")[0] ?? "").split("/").filter((s) => s !== "");
  if (segments[0] !== undefined && VERSION.test(segments[0])) segments.shift();
  if (segments.length === 0) return "graph /";
  if (segments.length > 3) return "graph {other}";
  const shape = segments.map((s) => (ID.test(s) ? "{id}" : status < 400 && WORD.test(s) ? s : "{other}"));
  return `graph /${shape.join("/")}`;
}
