import { entry } from "./catalogue-entry.ts";

/** Webhook subscriptions (the app subscriptions edge) and redelivery. */
export const webhookErrors = {
  callbackVerificationFailed: entry({
    code: 2200,
    type: "OAuthException",
    status: 400,
    message: (detail: string) => `(#2200) Callback verification failed with the following errors: ${detail}`,
    docArgs: ["<what the receiver answered>"],
    when: "`POST /{app-id}/subscriptions` (and the admin API's subscription route) whose handshake GET did not answer 2xx with the challenge, or whose callback the outbound policy refuses (`refused by the outbound policy (rule: loopback): …`, no request made; docs/webhooks.md#outbound-policy)",
  }),
  redeliveryWithoutReceiver: entry({
    code: 100,
    type: "OAuthException",
    status: 400,
    message: (why: string) =>
      `(#100) Nothing would receive this redelivery: ${why}. Subscribe the app to leadgen for page and install it on the page, then redeliver.`,
    docArgs: ["<why>"],
    when: "admin redelivery of a delivery whose app, `leadgen` page subscription or page install is gone (nothing is created)",
  }),
};
