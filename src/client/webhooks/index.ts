export { answerChallenge, type ChallengeAnswer } from "./answer-challenge.ts";
export { expressWebhookHandler } from "./express-handler.ts";
export { fastifyWebhookPlugin } from "./fastify-plugin.ts";
export { createNodeWebhookHandler } from "./node-handler.ts";
export { type LeadgenChange, parseLeadgenWebhook, WebhookBodyError } from "./parse-leadgen-webhook.ts";
export { type HeaderSource, metaJson, type SignatureCheck, signBody, verifySignature } from "./verify-signature.ts";
export { handleWebhookRequest, readRaw, type WebhookAnswer, type WebhookHandlerOptions } from "./webhook-request.ts";
