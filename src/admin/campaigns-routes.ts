import type { CampaignRecord } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRouter, conflict, need, needRef, pageOf, parseBody } from "./admin-kit.ts";
import { adAccountId, nameText, numericId, strict } from "./schemas.ts";

const renderCampaign = (c: CampaignRecord) => ({ id: c.id, account_id: c.accountId, name: c.name });

export const campaignsRoutes: HttpModule = async (app, runtime, { publicUrl }) => {
  const r = adminRouter(app, runtime, publicUrl);
  const services = runtime.services;
  const store = services.store;
  const dir = store.directory;
  const campaign = async (id: string) => need(await dir.getCampaign(id), "campaign", id);

  r.get("/campaigns", async (req) => {
    const list = await store.catalog.listCampaigns(req.query.account_id ? { accountId: req.query.account_id } : {});
    return pageOf(list, (c) => c.id, req, renderCampaign);
  });
  r.post("/campaigns", async (req) => {
    const b = parseBody(strict({ id: numericId.optional(), account_id: adAccountId, name: nameText }), req.body);
    needRef(await dir.getAdAccount(b.account_id), "account_id", "ad account", b.account_id);
    const id = b.id ?? services.ids.next();
    if (await dir.getCampaign(id)) throw conflict(`A campaign with id ${id} already exists`);
    const c: CampaignRecord = { id, accountId: b.account_id, name: b.name };
    await dir.upsertCampaign(c);
    return renderCampaign(c);
  });
  r.get("/campaigns/:id", async (req) => renderCampaign(await campaign(req.params.id!)));
  r.post("/campaigns/:id", async (req) => {
    const current = await campaign(req.params.id!);
    const b = parseBody(strict({ name: nameText }), req.body);
    const next = { ...current, name: b.name };
    await dir.upsertCampaign(next);
    return renderCampaign(next);
  });
  r.delete("/campaigns/:id", async (req) => {
    await campaign(req.params.id!);
    const n = await store.catalog.countChildren("adsets", "campaign_id", req.params.id!);
    if (n > 0) throw conflict(`Campaign ${req.params.id} still has ${n} ad set(s); delete them first`);
    await store.catalog.deleteCampaign(req.params.id!);
    return { success: true };
  });
};
