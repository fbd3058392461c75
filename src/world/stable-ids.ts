import { createHash } from "node:crypto";
import type { IdGenerator } from "../domain/ids.ts";

/**
 * Ids for world-file objects that were written without one: derived from what the object is, so
 * loading the same file twice names the same objects (and changes nothing).
 */
export function stableId(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest();
  const n = h.readBigUInt64BE(0) % 90_000_000_000_000_000n;
  return (n + 10_000_000_000_000_000n).toString();
}

export function stableIdGenerator(...scope: string[]): IdGenerator {
  let i = 0;
  return { next: () => stableId(...scope, String(i++)) };
}
