import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { SyncStore } from "./storage/sync-store.ts";

const STATE_KEY = "read_api_key_sha256";
const sha256 = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/** Who may use the read API: anyone (`--insecure-open`), or a bearer key known by its SHA-256. */
export type ReadApiAccess = { open: true } | { open: false; keySha256: Buffer };

/**
 * The read API's key. A configured key (`--api-key`) is used as given; without one and without
 * `--insecure-open`, a key is generated on the first start, its SHA-256 kept in the sync database
 * and the key itself returned once (the CLI prints it); later starts use the stored hash, so the
 * key survives restarts and appears in no file. The API serves every stored lead, so it is never
 * open unless the operator says so.
 */
export async function readApiAccess(
  store: SyncStore,
  c: { apiKey?: string | undefined; insecureOpen: boolean },
): Promise<{ access: ReadApiAccess; generatedKey?: string }> {
  if (c.apiKey) return { access: { open: false, keySha256: sha256(c.apiKey) } };
  if (c.insecureOpen) return { access: { open: true } };
  const stored = (await store.state())[STATE_KEY];
  if (typeof stored === "string" && /^[0-9a-f]{64}$/.test(stored))
    return { access: { open: false, keySha256: Buffer.from(stored, "hex") } };
  const key = `lgsync_${randomBytes(24).toString("base64url")}`;
  await store.setState(STATE_KEY, sha256(key).toString("hex"), Date.now());
  return { access: { open: false, keySha256: sha256(key) }, generatedKey: key };
}

/** Whether a request carries the read API's key (`Authorization: Bearer <key>`), compared in constant time. */
export function readApiAuthorized(req: IncomingMessage, access: ReadApiAccess): boolean {
  if (access.open) return true;
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
  return m !== null && timingSafeEqual(sha256(m[1]!), access.keySha256);
}
