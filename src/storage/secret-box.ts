import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Encrypts app secrets at rest (AES-256-GCM) with a key from configuration, so a copy of the
 * database alone does not reveal them. Tokens are not encrypted but hashed (see hashToken).
 */
export class SecretBox {
  readonly #key: Buffer;
  constructor(keyMaterial: string) {
    this.#key = createHash("sha256").update(keyMaterial).digest();
  }
  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.#key, iv);
    const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return `v1:${Buffer.concat([iv, c.getAuthTag(), body]).toString("base64")}`;
  }
  open(sealed: string): string {
    if (!sealed.startsWith("v1:")) throw new Error("unknown secret format");
    const raw = Buffer.from(sealed.slice(3), "base64");
    const d = createDecipheriv("aes-256-gcm", this.#key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
  }
}

/** Whether a stored value is in the sealed format (else it is a plain value from before sealing). */
export const isSealed = (stored: string): boolean => stored.startsWith("v1:");

/**
 * A stored secret in plain: sealed values are opened; a plain one (written by the previous release
 * during a rolling upgrade, after migration 0012 sealed the rest) is answered as it is.
 */
export const openSealed = (box: SecretBox, stored: string): string => (isSealed(stored) ? box.open(stored) : stored);

/** Tokens are random and long, so an unsalted SHA-256 is enough to make a leaked table useless. */
export const hashToken = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * `hashToken` remembering the last few thousand tokens it hashed: a client sends the same token
 * with every request, and hashing it cost more than the rest of authenticating it. The memory holds
 * what each request carries anyway; nothing of it is written anywhere.
 */
export function recentTokenHasher(max = 4096): (token: string) => string {
  const recent = new Map<string, string>();
  return (token) => {
    // Only token-sized strings are kept: anything may be passed in to be looked up.
    if (token.length > 1024) return hashToken(token);
    let hash = recent.get(token);
    if (hash === undefined) {
      hash = hashToken(token);
      if (recent.size >= max) recent.clear();
      recent.set(token, hash);
    }
    return hash;
  };
}
