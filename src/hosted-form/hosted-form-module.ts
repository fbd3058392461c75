import { randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { nowSeconds } from "../domain/clock.ts";
import { isGraphError, LeadInputError } from "../domain/errors.ts";
import { STORE_TYPES } from "../domain/forms/question-types.ts";
import { isGraphId } from "../domain/ids.ts";
import type { FormDefinition } from "../domain/ports.ts";
import { bodyErrorToGraph, drainRefusedBody, hostedFormSecurityHeaders, type HttpModule } from "../http-kit/index.ts";
import { checkAnswers, readAnswers } from "./answers.ts";
import { FormTokens } from "./csrf.ts";
import type { SafeHtml } from "./html.ts";
import { type FormView, formPage, messagePage, NONCE_SLOT, reviewPage, thankYouPage } from "./render.ts";
import { stringsFor } from "./strings.ts";

const PLATFORMS = new Set(["fb", "ig"]);
/** The submission's nonce, stored as the lead's external id: the unique index makes a double submit one lead. */
const externalIdOf = (nonce: string) => `hosted:${nonce}`;

type Body = Record<string, unknown>;
const text = (v: unknown): string | undefined => (Array.isArray(v) ? text(v[v.length - 1]) : typeof v === "string" ? v : undefined);

/** A page with the hosted form's headers and this response's nonce filled into its style and script tags. */
function sendPage(reply: FastifyReply, status: number, page: SafeHtml, frameAncestors: string): FastifyReply {
  const nonce = hostedFormSecurityHeaders(reply, frameAncestors);
  return reply
    .code(status)
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(page.value.replaceAll(`nonce="${NONCE_SLOT}"`, `nonce="${nonce}"`));
}

/**
 * The hosted instant form at `/forms/{form-id}`: server-rendered, works without JavaScript, posts
 * back to itself. `?ad_id=` attributes the lead to an ad using the form, `?platform=ig` sets the
 * platform. Every lead goes through LeadIntake like any other way in.
 */
export const hostedFormModule: HttpModule = async (app, runtime) => {
  const { services } = runtime;
  const frameAncestors = runtime.config.hostedFormFrameAncestors;
  const send = (reply: FastifyReply, status: number, page: SafeHtml) => sendPage(reply, status, page, frameAncestors);
  /**
   * A body or query refused by the input limits is answered with the form's own page, not Graph
   * JSON: the person filling the form sees it. The form is not loaded for it, so it is in English.
   */
  const unreadable = async (err: Error, req: FastifyRequest, reply: FastifyReply) => {
    const refused = bodyErrorToGraph(err, req) ?? (isGraphError(err) ? err : undefined);
    if (refused === undefined || refused.status >= 500) throw err;
    await drainRefusedBody(req.raw);
    const title = refused.status === 413 ? "Your answers are too long to send" : "This form could not read what was sent";
    return send(
      reply,
      refused.status,
      messagePage(undefined, title, "Your answers were not submitted. Go back, shorten or correct them, and send the form again."),
    );
  };
  const routeOptions = { bodyLimit: runtime.config.formBodyLimitBytes, errorHandler: unreadable };
  let tokens: Promise<FormTokens> | undefined;
  const formTokens = () =>
    (tokens ??= services.store.settings
      .getOrInitSecret("hosted_form_secret", () => randomBytes(32).toString("hex"))
      .then((secret) => new FormTokens(secret)));

  async function context(req: FastifyRequest, reply: FastifyReply, params: Body) {
    const { formId } = req.params as { formId: string };
    const form = isGraphId(formId) ? await services.store.forms.definition(formId) : undefined;
    const s = stringsFor(form?.locale ?? "en_US");
    if (!form || form.status === "DELETED" || form.status === "DRAFT") {
      send(reply, 404, messagePage(form, s.notFound, s.notFound));
      return undefined;
    }
    const page = await services.store.directory.getPage(form.pageId);
    if (!page) {
      send(reply, 404, messagePage(form, s.notFound, s.notFound));
      return undefined;
    }
    if (form.status !== "ACTIVE") {
      send(reply, 410, messagePage(form, s.closedTitle, s.closedBody));
      return undefined;
    }
    const adId = text(params.ad_id)?.trim() || undefined;
    if (adId !== undefined) {
      const ad = isGraphId(adId) ? await services.store.directory.getAd(adId) : undefined;
      if (!ad || ad.formId !== form.id) {
        send(reply, 404, messagePage(form, s.notFound, s.notFound));
        return undefined;
      }
    }
    const platformParam = text(params.platform)?.trim().toLowerCase();
    const platform = platformParam && PLATFORMS.has(platformParam) ? platformParam : undefined;
    const locations = form.spec.questions.some((q) => STORE_TYPES.includes(q.type))
      ? await services.store.directory.locations(form.pageId)
      : [];
    return { form, page, s, adId, platform, locations };
  }

  function view(
    c: NonNullable<Awaited<ReturnType<typeof context>>>,
    extra: Pick<FormView, "answers" | "errors" | "token" | "storeQuery">,
  ): FormView {
    const query = new URLSearchParams();
    if (c.adId) query.set("ad_id", c.adId);
    if (c.platform) query.set("platform", c.platform);
    const qs = query.toString();
    return { ...c, ...extra, action: `/forms/${c.form.id}${qs ? `?${qs}` : ""}` };
  }

  async function thanks(reply: FastifyReply, form: FormDefinition, c: { page: FormView["page"]; s: FormView["s"] }, leadId: string) {
    return send(reply, 200, thankYouPage(form, c.page, c.s, leadId));
  }

  // Fastify awaits an error handler that returns a promise; its types only say `void`.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  app.get("/forms/:formId", { errorHandler: unreadable }, async (req, reply) => {
    const query = (req.query ?? {}) as Body;
    const c = await context(req, reply, query);
    if (!c) return reply;
    const token = (await formTokens()).issue(c.form.id, nowSeconds(services.clock));
    return send(
      reply,
      200,
      formPage(
        view(c, {
          answers: readAnswers(c.form, undefined),
          errors: new Map(),
          token,
          storeQuery: text(query.store_q) ?? "",
        }),
      ),
    );
  });

  app.post("/forms/:formId", routeOptions, async (req, reply) => {
    const body = (typeof req.body === "object" && req.body !== null ? req.body : {}) as Body;
    const params = { ...((req.query ?? {}) as Body), ...body };
    const c = await context(req, reply, params);
    if (!c) return reply;
    const now = nowSeconds(services.clock);
    const token = text(body._token) ?? "";
    const nonce = (await formTokens()).verify(c.form.id, token, now);
    if (nonce === undefined) {
      return send(
        reply,
        403,
        messagePage(c.form, c.s.expired, c.s.expired, {
          href: view(c, { answers: readAnswers(c.form, undefined), errors: new Map(), token: "", storeQuery: "" }).action,
          text: c.s.reload,
        }),
      );
    }
    // A replay of a submission that already made its lead shows that lead's thank-you page.
    const alreadyDone = async () => {
      const done = await services.store.leads.findByExternalIds(c.form.id, [externalIdOf(nonce)]);
      return done.size > 0 ? thanks(reply, c.form, c, [...done.values()][0]!) : undefined;
    };
    const action = text(body._action) ?? "submit";
    // A submit that passes the checks skips this look-up: the unique external id refuses its insert
    // if it is a replay, and the catch below shows the first one's lead. Everything else looks first.
    if (action !== "submit") {
      const replay = await alreadyDone();
      if (replay) return replay;
    }
    const answers = readAnswers(c.form, body);
    const storeQuery = text(body.store_q) ?? "";
    if (action === "search" || action === "edit") {
      return send(reply, 200, formPage(view(c, { answers, errors: new Map(), token, storeQuery })));
    }
    const checked = checkAnswers(c.form, c.locations, answers, c.s, now);
    if (checked.errors.size > 0) {
      return (
        (action === "submit" ? await alreadyDone() : undefined) ??
        send(reply, 422, formPage(view(c, { answers, errors: checked.errors, token, storeQuery })))
      );
    }
    if (action === "review" && c.form.spec.isOptimizedForQuality) {
      return send(reply, 200, reviewPage(view(c, { answers, errors: new Map(), token, storeQuery })));
    }
    // Counted once the lead is about to be made: each would fire webhooks. Over the limit the person
    // sees a page asking to wait, with the answers kept in their browser's back history.
    const wait = await services.throttle.formSubmission(c.form.id, req.ip);
    if (wait !== undefined) {
      req.log.warn({ formId: c.form.id, ip: req.ip, retryAfter: wait }, "hosted form submissions throttled");
      reply.header("retry-after", String(wait));
      return send(reply, 429, messagePage(c.form, c.s.busy, c.s.busy));
    }
    try {
      const [leadId] = await services.intake.create(
        [
          {
            formId: c.form.id,
            adId: c.adId ?? null,
            platform: c.platform ?? "fb",
            fieldData: checked.fieldData,
            customDisclaimerResponses: checked.disclaimers,
            externalId: externalIdOf(nonce),
          },
        ],
        { source: "hosted", fireWebhooks: true },
      );
      return thanks(reply, c.form, c, leadId!);
    } catch (e) {
      // A replay, or two submits racing: the unique external id let only one through; show its lead.
      const replay = await alreadyDone();
      if (replay) return replay;
      if (e instanceof LeadInputError) return send(reply, 410, messagePage(c.form, c.s.closedTitle, c.s.closedBody));
      throw e;
    }
  });
};
