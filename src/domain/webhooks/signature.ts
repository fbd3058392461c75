import { createHmac } from "node:crypto";

export interface WebhookSignatures {
  /** `X-Hub-Signature-256` value: `sha256=<lowercase hex>`. */
  sha256: string;
  /** `X-Hub-Signature` value: `sha1=<lowercase hex>` (Meta still sends it; its sample receiver checks it). */
  sha1: string;
}

/** Signs exactly the bytes sent, with the app secret as the HMAC key. */
export function signWebhookBody(appSecret: string, body: string | Uint8Array): WebhookSignatures {
  return {
    sha256: `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`,
    sha1: `sha1=${createHmac("sha1", appSecret).update(body).digest("hex")}`,
  };
}
