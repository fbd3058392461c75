import { z } from "zod";
import { nowSeconds } from "../domain/clock.ts";
import type { AdRecord } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRouter, conflict, graphTime, need, needRef, pageOf, parseBody, timeField } from "./admin-kit.ts";
import { nameText, numericId, strict, timeInput } from "./schemas.ts";

const status = z.enum(["ACTIVE", "PAUSED", "DELETED", "ARCHIVED"]);
const renderAd = (a: AdRecord) => ({
  id: a.id, adset_id: a.adsetId, name: a.name, form_id: a.formId, status: a.status, created_time: graphTime(a.createdTime),
});

/** Ads. Deleting one sets its status to DELETED, as on Meta: its leads keep their attribution. */
export const adsRoutes: HttpModule = async (app, runtime, { publicUrl }) => {
  const r = adminRouter(app, runtime, publicUrl);
  const services = runtime.services;
  const store = services.store;
  const dir = store.directory;
  const ad = async (id: string) => need(await dir.getAd(id), "ad", id);
  const checkForm = async (formId: string | null | undefined) => {
    if (formId) needRef(await store.forms.get(formId), "form_id", "form", formId);
  };

  r.get("/ads", async (req) => {
    const f: { adsetId?: string; formId?: string } = {};
    if (req.query.adset_id) f.adsetId = req.query.adset_id;
    if (req.query.form_id) f.formId = req.query.form_id;
    return pageOf(await store.catalog.listAds(f), (a) => a.id, req, renderAd);
  });
  r.post("/ads", async (req) => {
    const b = parseBody(strict({
      id: numericId.optional(), adset_id: numericId, name: nameText, form_id: numericId.nullable().default(null),
      status: status.default("ACTIVE"), created_time: timeInput.optional(),
    }), req.body);
    needRef(await dir.getAdSet(b.adset_id), "adset_id", "ad set", b.adset_id);
    await checkForm(b.form_id);
    const id = b.id ?? services.ids.next();
    if (await dir.getAd(id)) throw conflict(`An ad with id ${id} already exists`);
    const a: AdRecord = {
      id, adsetId: b.adset_id, name: b.name, formId: b.form_id, status: b.status,
      createdTime: timeField("created_time", b.created_time, nowSeconds(services.clock)),
    };
    await dir.upsertAd(a);
    return renderAd(a);
  });
  r.get("/ads/:id", async (req) => renderAd(await ad(req.params.id!)));
  r.post("/ads/:id", async (req) => {
    const current = await ad(req.params.id!);
    const b = parseBody(strict({ name: nameText.optional(), status: status.optional(), form_id: numericId.nullable().optional() }), req.body);
    await checkForm(b.form_id);
    const next: AdRecord = {
      ...current, name: b.name ?? current.name, status: b.status ?? current.status,
      formId: b.form_id === undefined ? current.formId : b.form_id,
    };
    await dir.upsertAd(next);
    return renderAd(next);
  });
  r.delete("/ads/:id", async (req) => {
    const current = await ad(req.params.id!);
    await dir.upsertAd({ ...current, status: "DELETED" });
    return { success: true };
  });
};
