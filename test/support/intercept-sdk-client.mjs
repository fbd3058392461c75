// The official Node business SDK as an integration uses it: no base URL anywhere, only the
// environment (HTTPS_PROXY, NODE_EXTRA_CA_CERTS) sends it to leadgraph. Inputs come in LG_* variables;
// the results go to stdout as one JSON line.
import bizSdk from "facebook-nodejs-business-sdk";

const { FacebookAdsApi, LeadgenForm, Lead, Application, Page } = bizSdk;
const env = process.env;
const user = new FacebookAdsApi(env.LG_USER_TOKEN);
const app = new FacebookAdsApi(env.LG_APP_TOKEN);
const page = new FacebookAdsApi(env.LG_PAGE_TOKEN);

const out = { graph: FacebookAdsApi.GRAPH };
let cursor = await new LeadgenForm(env.LG_FORM_ID, {}, undefined, user).getLeads(["id", "created_time"], { limit: 25 });
out.ids = cursor.map((l) => l.id);
out.pages = 1;
out.next = cursor.paging?.next ?? null;
while (cursor.hasNext()) {
  cursor = await cursor.next();
  out.ids.push(...cursor.map((l) => l.id));
  out.pages++;
}
out.lead = (await new Lead(env.LG_LEAD_ID, {}, undefined, user).get(["id", "form_id", "field_data"]))._data;
out.testLead = (
  await new LeadgenForm(env.LG_FORM_ID, {}, undefined, page).createTestLead([], {
    field_data: [
      { name: "full_name", values: ["Through The Proxy"] },
      { name: "car_make", values: ["honda"] },
    ],
  })
)._data;
out.subscription = (
  await new Application(env.LG_APP_ID, {}, undefined, app).createSubscription([], {
    object: "page",
    callback_url: env.LG_CALLBACK_URL,
    fields: ["leadgen"],
    verify_token: env.LG_VERIFY_TOKEN,
  })
)._data;
out.install = (await new Page(env.LG_PAGE_ID, {}, undefined, page).createSubscribedApp([], { subscribed_fields: ["leadgen"] }))._data;
process.stdout.write(`${JSON.stringify(out)}\n`);
