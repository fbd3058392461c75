import { useState } from "preact/hooks";
import { delivery, redeliver } from "../api.ts";
import { Async, ErrorBox, useAsync } from "../components/async.tsx";
import { AttemptsTable } from "../components/attempts-table.tsx";
import { showTime } from "../components/format.ts";
import { Link } from "../router.tsx";

export function DeliveryScreen({ id }: { id: string }) {
  const state = useAsync(() => delivery(id), [id]);
  const [result, setResult] = useState<{ id?: string; error?: unknown }>();
  const again = async () => {
    try {
      setResult({ id: (await redeliver(id)).id });
    } catch (e) {
      setResult({ error: e });
    }
  };
  return (
    <section>
      <p>
        <Link href="/webhooks">← Webhooks</Link>
      </p>
      <h1>
        Delivery <code>{id}</code>
      </h1>
      <Async state={state} what="The webhook delivery log">
        {(d) => {
          const last = d.attempts[d.attempts.length - 1];
          return (
            <>
              <dl class="pairs card">
                <dt>Status</dt>
                <dd>
                  <span class={`badge ${d.status}`} data-testid="delivery-status">
                    {d.status}
                  </span>
                </dd>
                <dt>App</dt>
                <dd>{d.app_id}</dd>
                <dt>Page</dt>
                <dd>{d.page_id}</dd>
                <dt>Lead</dt>
                <dd>
                  <Link href={`/leads/${d.lead_id}?page=${d.page_id}`}>{d.lead_id}</Link>
                </dd>
                <dt>Kind</dt>
                <dd>
                  {d.kind}
                  {d.redelivery_of ? (
                    <>
                      {" "}
                      of <Link href={`/webhooks/deliveries/${d.redelivery_of}`}>{d.redelivery_of}</Link>
                    </>
                  ) : null}
                </dd>
                <dt>Created</dt>
                <dd>{showTime(d.created_time)}</dd>
                <dt>Next attempt</dt>
                <dd>{d.status === "pending" ? showTime(d.next_attempt_time) : "—"}</dd>
              </dl>
              <div class="row">
                <button type="button" onClick={again}>
                  Redeliver
                </button>
                <button type="button" class="secondary" onClick={state.reload}>
                  Refresh
                </button>
              </div>
              {result?.id && (
                <p class="alert ok" role="status">
                  Queued redelivery <Link href={`/webhooks/deliveries/${result.id}`}>{result.id}</Link>.
                </p>
              )}
              {result?.error !== undefined && <ErrorBox error={result.error} what="Redelivery" />}
              <section class="card wide" aria-labelledby="attempts-h">
                <h2 id="attempts-h">Attempts</h2>
                <AttemptsTable attempts={d.attempts} />
              </section>
              {last && (
                <section class="card wide" aria-labelledby="body-h">
                  <h2 id="body-h">Exact body sent</h2>
                  <p class="muted">POST {last.callback_url}</p>
                  <pre data-testid="delivery-body">{last.body}</pre>
                  <h3>Signatures</h3>
                  <dl class="pairs">
                    <dt>X-Hub-Signature-256</dt>
                    <dd>
                      <code data-testid="signature-256">{last.headers["x-hub-signature-256"]}</code>
                    </dd>
                    <dt>X-Hub-Signature</dt>
                    <dd>
                      <code>{last.headers["x-hub-signature"]}</code>
                    </dd>
                  </dl>
                </section>
              )}
            </>
          );
        }}
      </Async>
    </section>
  );
}
