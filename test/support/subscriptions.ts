import type { Store } from "../../src/domain/ports.ts";
import { TEST_NOW } from "./harness.ts";

/**
 * Subscribes an app of the example world (1001 by default) to leadgen for page with the receiver's
 * URL, straight in the store (no handshake), and installs it on the page when one is given.
 */
export async function subscribeToReceiver(
  store: Store,
  callbackUrl: string,
  opts: { appId?: string; installOnPage?: string } = {},
): Promise<void> {
  const appId = opts.appId ?? "1001";
  await store.subscriptions.upsert({
    appId,
    object: "page",
    callbackUrl,
    fields: ["leadgen"],
    verifyToken: "vt",
    includeValues: true,
    active: true,
    createdTime: TEST_NOW,
  });
  if (opts.installOnPage !== undefined) {
    await store.subscriptions.upsertInstall({ pageId: opts.installOnPage, appId, subscribedFields: ["leadgen"], createdTime: TEST_NOW });
  }
}
