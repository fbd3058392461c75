import { createHmac, timingSafeEqual } from "node:crypto";
import { errors } from "./errors.ts";

/** A position in a newest-first listing: the (created_time, id) of one row. */
export interface KeysetPosition {
  t: number;
  id: string;
}

/**
 * Cursors are opaque to callers, signed with the server's secret, and bound to the listing they came
 * from (edge + filter), so a forged, altered or foreign cursor is refused rather than read.
 */
export class CursorCodec {
  readonly #secret: Buffer;
  constructor(secret: string) {
    this.#secret = Buffer.from(secret, "utf8");
  }

  encode(scope: string, pos: KeysetPosition): string {
    const payload = Buffer.from(JSON.stringify([pos.t, pos.id]), "utf8");
    const mac = this.#mac(scope, payload);
    // Meta's cursors start with "QVFI"; ours have their own recognisable prefix.
    return `TEc${Buffer.concat([mac, payload]).toString("base64url")}`;
  }

  decode(scope: string, cursor: string, param: "after" | "before"): KeysetPosition {
    const bad = () => errors.invalidParam(`The ${param} cursor is invalid or does not belong to this request`);
    if (typeof cursor !== "string" || cursor.length > 512 || !cursor.startsWith("TEc")) throw bad();
    const raw = Buffer.from(cursor.slice(3), "base64url");
    if (raw.length <= 16) throw bad();
    const mac = raw.subarray(0, 16);
    const payload = raw.subarray(16);
    if (!timingSafeEqual(mac, this.#mac(scope, payload))) throw bad();
    try {
      const [t, id] = JSON.parse(payload.toString("utf8")) as [unknown, unknown];
      if (typeof t !== "number" || typeof id !== "string") throw bad();
      return { t, id };
    } catch {
      throw bad();
    }
  }

  #mac(scope: string, payload: Buffer): Buffer {
    return createHmac("sha256", this.#secret).update(scope).update("\0").update(payload).digest().subarray(0, 16);
  }
}
