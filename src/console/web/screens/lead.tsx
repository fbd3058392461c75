import { deliveries, delivery, type DeliveryDetail, lead } from "../api.ts";
import { Async, useAsync } from "../components/async.tsx";
import { AttemptsTable } from "../components/attempts-table.tsx";
import { EraseLead } from "../components/erase-lead.tsx";
import { fieldValue, showTime } from "../components/format.ts";
import { Link } from "../router.tsx";

async function leadDeliveries(leadId: string): Promise<DeliveryDetail[]> {
  const list = await deliveries({ lead_id: leadId, limit: 100 });
  return Promise.all(list.data.map((d) => delivery(d.id)));
}

export function LeadScreen({ leadId, pageHint }: { leadId: string; pageHint: string | undefined }) {
  const state = useAsync(() => lead(leadId, pageHint), [leadId, pageHint]);
  const hooks = useAsync(() => leadDeliveries(leadId), [leadId]);
  return (
    <section>
      <Async state={state}>
        {({ lead: l, pageId }) => (
          <>
            <p>
              <Link href={`/forms/${pageId}/${l.form_id}`}>← Form {l.form_id}</Link>
            </p>
            <h1>
              Lead <code>{l.id}</code>
            </h1>
            <p class="muted">Created {showTime(l.created_time)}</p>
            <div class="grid">
              <section class="card" aria-labelledby="fields-h">
                <h2 id="fields-h">Field data</h2>
                <dl class="pairs" data-testid="field-data">
                  {(l.field_data ?? []).map((f) => (
                    <>
                      <dt key={`k-${f.name}`}>{f.name}</dt>
                      <dd key={`v-${f.name}`}>{fieldValue(f.values)}</dd>
                    </>
                  ))}
                </dl>
                <h3>Disclaimer responses</h3>
                {(l.custom_disclaimer_responses ?? []).length === 0 ? (
                  <p class="muted">None.</p>
                ) : (
                  <ul class="plain">
                    {l.custom_disclaimer_responses!.map((r) => (
                      <li key={r.checkbox_key}>
                        <code>{r.checkbox_key}</code>: {r.is_checked === "1" ? "checked" : "not checked"}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section class="card" aria-labelledby="attr-h">
                <h2 id="attr-h">Attribution</h2>
                <dl class="pairs">
                  <dt>Organic</dt>
                  <dd data-testid="organic">{l.is_organic ? "yes (no ad)" : "no"}</dd>
                  <dt>Platform</dt>
                  <dd>{l.platform ?? "—"}</dd>
                  <dt>Ad</dt>
                  <dd>{l.ad_id ? `${l.ad_name ?? ""} (${l.ad_id})` : "—"}</dd>
                  <dt>Ad set</dt>
                  <dd>{l.adset_id ? `${l.adset_name ?? ""} (${l.adset_id})` : "—"}</dd>
                  <dt>Campaign</dt>
                  <dd>{l.campaign_id ? `${l.campaign_name ?? ""} (${l.campaign_id})` : "—"}</dd>
                  <dt>Form</dt>
                  <dd>{l.form_id}</dd>
                  {l.partner_name && (
                    <>
                      <dt>Partner</dt>
                      <dd>{l.partner_name}</dd>
                    </>
                  )}
                  {l.retailer_item_id && (
                    <>
                      <dt>Retailer item</dt>
                      <dd>{l.retailer_item_id}</dd>
                    </>
                  )}
                </dl>
                {!l.ad_id && !l.is_organic && (
                  <p class="muted small">Ad fields are hidden when the token's user has no advertiser role on the ad account.</p>
                )}
              </section>
            </div>
            <EraseLead leadId={l.id} fields={l.field_data ?? []} />
          </>
        )}
      </Async>
      <section class="card wide" aria-labelledby="lead-hooks-h">
        <h2 id="lead-hooks-h">Webhook deliveries of this lead</h2>
        <Async state={hooks} what="The webhook delivery log">
          {(list) =>
            list.length === 0 ? (
              <p class="muted">
                No deliveries: no app with a leadgen subscription is installed on this page, or the dispatcher has not run yet.
              </p>
            ) : (
              <>
                {list.map((d) => (
                  <div key={d.id} class="delivery">
                    <h3>
                      <Link href={`/webhooks/deliveries/${d.id}`}>Delivery {d.id}</Link> to app {d.app_id}{" "}
                      <span class={`badge ${d.status}`}>{d.status}</span>
                    </h3>
                    <AttemptsTable attempts={d.attempts} />
                  </div>
                ))}
              </>
            )
          }
        </Async>
      </section>
    </section>
  );
}
