import type { Harness } from "./harness.ts";

/** Calls the admin API through inject with the runtime's admin key. */
export async function admin(
  h: Harness,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await h.app.inject({
    method,
    url: `/_leadgraph/admin${path}`,
    headers: { authorization: `Bearer ${h.runtime.adminKey}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** Issues a token through the admin API and returns its text. */
export async function issue(h: Harness, body: Record<string, unknown>): Promise<string> {
  const res = await admin(h, "POST", "/tokens", body);
  if (res.status !== 200) throw new Error(`token issue failed: ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}
