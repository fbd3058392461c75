import type { CampaignRecord } from "../domain/model.ts";
import type { HttpModule } from "../http-kit/index.ts";
import { adminRoutes, conflict, need, needRef, pageOf } from "./admin-kit.ts";
import { campaignsApi } from "./campaigns-api.ts";

const renderCampaign = (c: CampaignRecord) => ({ id: c.id, account_id: c.accountId, name: c.name });

export const campaignsRoutes: HttpModule = async (app, runtime, links) => {
  const add = adminRoutes(app, runtime, links);
  const services = runtime.services;
  const store = services.store;
  const dir = store.directory;
  const campaign = async (id: string) => need(await dir.getCampaign(id), "campaign", id);

  add(campaignsApi.list, async (call) => {
    const list = await store.catalog.listCampaigns(call.query.account_id ? { accountId: call.query.account_id } : {});
    return pageOf(list, (c) => c.id, call, renderCampaign);
  });
  add(campaignsApi.create, async ({ body: b }) => {
    needRef(await dir.getAdAccount(b.account_id), "account_id", "ad account", b.account_id);
    const id = b.id ?? services.ids.next();
    if (await dir.getCampaign(id)) throw conflict(`A campaign with id ${id} already exists`);
    const c: CampaignRecord = { id, accountId: b.account_id, name: b.name };
    await dir.upsertCampaign(c);
    return renderCampaign(c);
  });
  add(campaignsApi.get, async ({ params }) => renderCampaign(await campaign(params.id)));
  add(campaignsApi.rename, async ({ params, body }) => {
    const next = { ...(await campaign(params.id)), name: body.name };
    await dir.upsertCampaign(next);
    return renderCampaign(next);
  });
  add(campaignsApi.delete, async ({ params }) => {
    await campaign(params.id);
    const n = await store.catalog.countChildren("adsets", "campaign_id", params.id);
    if (n > 0) throw conflict(`Campaign ${params.id} still has ${n} ad set(s); delete them first`);
    await store.catalog.deleteCampaign(params.id);
    return { success: true };
  });
};
