import { nowSeconds } from "../domain/clock.ts";
import type { AdRecord } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes, conflict, graphTime, need, needRef, pageOf, timeField } from "./admin-kit.ts";
import { adsApi } from "./ads-api.ts";

const renderAd = (a: AdRecord) => ({
  id: a.id,
  adset_id: a.adsetId,
  name: a.name,
  form_id: a.formId,
  status: a.status,
  created_time: graphTime(a.createdTime),
});

/** Ads. Deleting one sets its status to DELETED, as on Meta: its leads keep their attribution. */
export const adsRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const services = runtime.services;
  const store = services.store;
  const dir = store.directory;
  const ad = async (id: string) => need(await dir.getAd(id), "ad", id);
  const checkForm = async (formId: string | null | undefined) => {
    if (formId) needRef(await store.forms.get(formId), "form_id", "form", formId);
  };

  add(adsApi.list, async (call) => {
    const f: { adsetId?: string; formId?: string } = {};
    if (call.query.adset_id) f.adsetId = call.query.adset_id;
    if (call.query.form_id) f.formId = call.query.form_id;
    return pageOf(await store.catalog.listAds(f), (a) => a.id, call, renderAd);
  });
  add(adsApi.create, async ({ body: b }) => {
    needRef(await dir.getAdSet(b.adset_id), "adset_id", "ad set", b.adset_id);
    await checkForm(b.form_id);
    const id = b.id ?? services.ids.next();
    if (await dir.getAd(id)) throw conflict(`An ad with id ${id} already exists`);
    const a: AdRecord = {
      id,
      adsetId: b.adset_id,
      name: b.name,
      formId: b.form_id,
      status: b.status,
      createdTime: timeField("created_time", b.created_time, nowSeconds(services.clock)),
    };
    await dir.upsertAd(a);
    return renderAd(a);
  });
  add(adsApi.get, async ({ params }) => renderAd(await ad(params.id)));
  add(adsApi.change, async ({ params, body: b }) => {
    const current = await ad(params.id);
    await checkForm(b.form_id);
    const next: AdRecord = {
      ...current,
      name: b.name ?? current.name,
      status: b.status ?? current.status,
      formId: b.form_id === undefined ? current.formId : b.form_id,
    };
    await dir.upsertAd(next);
    return renderAd(next);
  });
  add(adsApi.delete, async ({ params }) => {
    const current = await ad(params.id);
    await dir.upsertAd({ ...current, status: "DELETED" });
    return { success: true };
  });
};
