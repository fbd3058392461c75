import type { AdSetRecord } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes, conflict, need, needRef, pageOf } from "./admin-kit.ts";
import { adsetsApi } from "./adsets-api.ts";

const renderAdSet = (s: AdSetRecord) => ({ id: s.id, campaign_id: s.campaignId, name: s.name });

export const adsetsRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const services = runtime.services;
  const store = services.store;
  const dir = store.directory;
  const adset = async (id: string) => need(await dir.getAdSet(id), "ad set", id);

  add(adsetsApi.list, async (call) => {
    const list = await store.catalog.listAdSets(call.query.campaign_id ? { campaignId: call.query.campaign_id } : {});
    return pageOf(list, (s) => s.id, call, renderAdSet);
  });
  add(adsetsApi.create, async ({ body: b }) => {
    needRef(await dir.getCampaign(b.campaign_id), "campaign_id", "campaign", b.campaign_id);
    const id = b.id ?? services.ids.next();
    if (await dir.getAdSet(id)) throw conflict(`An ad set with id ${id} already exists`);
    const s: AdSetRecord = { id, campaignId: b.campaign_id, name: b.name };
    await dir.upsertAdSet(s);
    return renderAdSet(s);
  });
  add(adsetsApi.get, async ({ params }) => renderAdSet(await adset(params.id)));
  add(adsetsApi.rename, async ({ params, body }) => {
    const next = { ...(await adset(params.id)), name: body.name };
    await dir.upsertAdSet(next);
    return renderAdSet(next);
  });
  add(adsetsApi.delete, async ({ params }) => {
    await adset(params.id);
    const n = await store.catalog.countChildren("ads", "adset_id", params.id);
    if (n > 0) throw conflict(`Ad set ${params.id} still has ${n} ad(s); delete them first`);
    await store.catalog.deleteAdSet(params.id);
    return { success: true };
  });
};
