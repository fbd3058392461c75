import type { AdSetRecord } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRouter, conflict, need, needRef, pageOf, parseBody } from "./admin-kit.ts";
import { nameText, numericId, strict } from "./schemas.ts";

const renderAdSet = (s: AdSetRecord) => ({ id: s.id, campaign_id: s.campaignId, name: s.name });

export const adsetsRoutes: HttpModule = async (app, runtime, { publicUrl }) => {
  const r = adminRouter(app, runtime, publicUrl);
  const services = runtime.services;
  const store = services.store;
  const dir = store.directory;
  const adset = async (id: string) => need(await dir.getAdSet(id), "ad set", id);

  r.get("/adsets", async (req) => {
    const list = await store.catalog.listAdSets(req.query.campaign_id ? { campaignId: req.query.campaign_id } : {});
    return pageOf(list, (s) => s.id, req, renderAdSet);
  });
  r.post("/adsets", async (req) => {
    const b = parseBody(strict({ id: numericId.optional(), campaign_id: numericId, name: nameText }), req.body);
    needRef(await dir.getCampaign(b.campaign_id), "campaign_id", "campaign", b.campaign_id);
    const id = b.id ?? services.ids.next();
    if (await dir.getAdSet(id)) throw conflict(`An ad set with id ${id} already exists`);
    const s: AdSetRecord = { id, campaignId: b.campaign_id, name: b.name };
    await dir.upsertAdSet(s);
    return renderAdSet(s);
  });
  r.get("/adsets/:id", async (req) => renderAdSet(await adset(req.params.id!)));
  r.post("/adsets/:id", async (req) => {
    const current = await adset(req.params.id!);
    const b = parseBody(strict({ name: nameText }), req.body);
    const next = { ...current, name: b.name };
    await dir.upsertAdSet(next);
    return renderAdSet(next);
  });
  r.delete("/adsets/:id", async (req) => {
    await adset(req.params.id!);
    const n = await store.catalog.countChildren("ads", "adset_id", req.params.id!);
    if (n > 0) throw conflict(`Ad set ${req.params.id} still has ${n} ad(s); delete them first`);
    await store.catalog.deleteAdSet(req.params.id!);
    return { success: true };
  });
};
