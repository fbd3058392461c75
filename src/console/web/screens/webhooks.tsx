import { useEffect, useState } from "preact/hooks";
import {
  type AppSubscriptions,
  type Delivery,
  type DeliveryFilter,
  deliveries,
  disabledSubscriptions,
  faults,
  type FaultSettings,
  installs,
  redeliverRange,
  type RedeliverySkipped,
  resubscribe,
  type Session,
  setFaults,
  subscriptions,
} from "../api.ts";
import { Async, ErrorBox, useAsync } from "../components/async.tsx";
import { DeliveriesChart } from "../components/deliveries-chart.tsx";
import { count, fromLocalInput, showTime, toLocalInput } from "../components/format.ts";
import { Link, navigate } from "../router.tsx";

const POLL_MS = 3000;
const STATUSES = ["", "pending", "delivered", "expired", "dropped", "cancelled"] as const;

function Subscriptions({ onApps }: { onApps: (apps: AppSubscriptions[]) => void }) {
  const subs = useAsync(subscriptions, []);
  const inst = useAsync(installs, []);
  useEffect(() => {
    if (subs.data) onApps(subs.data.data);
  }, [subs.data, onApps]);
  return (
    <section class="card" aria-labelledby="subs-h">
      <h2 id="subs-h">Subscriptions per app</h2>
      <Async state={subs} what="App subscriptions">
        {(list) =>
          list.data.length === 0 ? (
            <p class="muted">No app has a webhook subscription.</p>
          ) : (
            <ul class="plain">
              {list.data.map((a) => (
                <li key={a.app_id}>
                  <strong>{a.app_name}</strong>{" "}
                  <span class="muted">
                    {a.app_id} · {a.mode}
                  </span>
                  {a.disabled_time !== null && (
                    <>
                      {" "}
                      <span class="badge expired">disabled</span>
                    </>
                  )}
                  {a.failing_since !== null && a.disabled_time === null && (
                    <>
                      {" "}
                      <span class="badge pending">failing since {showTime(a.failing_since)}</span>
                    </>
                  )}
                  <ul>
                    {a.subscriptions.map((s) => (
                      <li key={s.object}>
                        {s.object}: {s.fields.join(", ")} → <code class="wrap">{s.callback_url}</code>{" "}
                        {s.active ? <span class="badge delivered">active</span> : <span class="badge expired">inactive</span>}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <h3>Page installs</h3>
      <Async state={inst} what="Page installs">
        {(list) =>
          list.data.length === 0 ? (
            <p class="muted">No page has an app installed.</p>
          ) : (
            <ul class="plain">
              {list.data.map((i) => (
                <li key={`${i.page_id}-${i.app_id}`}>
                  Page <strong>{i.page_id}</strong> → app {i.app_id} ({i.subscribed_fields.join(", ")})
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}

const NO_FAULTS: FaultSettings = {
  drop_percent: 0,
  duplicate_percent: 0,
  delay_ms: 0,
  delay_jitter_ms: 0,
  split: false,
  reorder: false,
  pack_entries: false,
};

function Faults({ apps }: { apps: AppSubscriptions[] }) {
  const [appId, setAppId] = useState("");
  const chosen = appId || apps[0]?.app_id || "";
  const state = useAsync(() => (chosen ? faults(chosen) : Promise.resolve(NO_FAULTS)), [chosen]);
  const [draft, setDraft] = useState<FaultSettings>(NO_FAULTS);
  const [msg, setMsg] = useState<{ ok?: boolean; error?: unknown }>();
  useEffect(() => {
    if (state.data) setDraft(state.data);
  }, [state.data]);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      setDraft(await setFaults(chosen, draft));
      setMsg({ ok: true });
    } catch (err) {
      setMsg({ error: err });
    }
  };
  const num = (k: "drop_percent" | "duplicate_percent" | "delay_ms" | "delay_jitter_ms", label: string, max?: number) => (
    <div>
      <label for={`fault-${k}`}>{label}</label>
      <input
        id={`fault-${k}`}
        type="number"
        min={0}
        max={max}
        value={String(draft[k])}
        onInput={(e) => setDraft({ ...draft, [k]: Number(e.currentTarget.value) })}
      />
    </div>
  );
  return (
    <section class="card" aria-labelledby="faults-h">
      <h2 id="faults-h">Fault injection</h2>
      {apps.length === 0 ? (
        <p class="muted">Fault injection applies to an app's subscription; no app has one.</p>
      ) : (
        <Async state={state} what="Fault injection">
          {() => (
            <form onSubmit={save} class="stack">
              <div>
                <label for="fault-app">App</label>
                <select id="fault-app" value={chosen} onChange={(e) => setAppId(e.currentTarget.value)}>
                  {apps.map((a) => (
                    <option key={a.app_id} value={a.app_id}>
                      {a.app_name} ({a.app_id})
                    </option>
                  ))}
                </select>
              </div>
              <div class="filters">
                {num("drop_percent", "Drop (% of deliveries)", 100)}
                {num("duplicate_percent", "Duplicate (% of POSTs)", 100)}
                {num("delay_ms", "Delay (ms)")}
                {num("delay_jitter_ms", "Delay jitter (ms)")}
              </div>
              <label class="choice">
                <input type="checkbox" checked={draft.split} onChange={(e) => setDraft({ ...draft, split: e.currentTarget.checked })} />{" "}
                Split batches, one change per POST
              </label>
              <label class="choice">
                <input type="checkbox" checked={draft.reorder} onChange={(e) => setDraft({ ...draft, reorder: e.currentTarget.checked })} />{" "}
                Reorder changes
              </label>
              <label class="choice">
                <input
                  type="checkbox"
                  checked={draft.pack_entries}
                  onChange={(e) => setDraft({ ...draft, pack_entries: e.currentTarget.checked })}
                />{" "}
                Pack several changes into one entry
              </label>
              <div>
                <button type="submit">Save fault settings</button>
              </div>
            </form>
          )}
        </Async>
      )}
      {msg?.ok && (
        <p class="alert ok" role="status">
          Saved.
        </p>
      )}
      {msg?.error !== undefined && <ErrorBox error={msg.error} />}
    </section>
  );
}

function Disabled({ apps }: { apps: AppSubscriptions[] }) {
  const state = useAsync(disabledSubscriptions, []);
  const [error, setError] = useState<unknown>();
  const enable = async (appId: string) => {
    const callback = apps.find((a) => a.app_id === appId)?.subscriptions.find((s) => s.object === "page")?.callback_url;
    if (!callback) return;
    try {
      await resubscribe(appId, callback);
      state.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" aria-labelledby="disabled-h">
      <h2 id="disabled-h">Disabled subscriptions</h2>
      <Async state={state} what="Disabled subscriptions">
        {(list) =>
          list.data.length === 0 ? (
            <p class="muted">None: no subscription was disabled for failing.</p>
          ) : (
            <ul class="plain">
              {list.data.map((s) => (
                <li key={s.app_id}>
                  App {s.app_id}: {s.disabled_reason ?? "disabled"} (failing since {showTime(s.failing_since)}, disabled{" "}
                  {showTime(s.disabled_time)}){" "}
                  <button type="button" class="secondary" onClick={() => enable(s.app_id)}>
                    Re-enable
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      {error !== undefined && <ErrorBox error={error} />}
    </section>
  );
}

function filterOf(q: URLSearchParams): DeliveryFilter {
  const n = (k: string) => (q.get(k) ? Number(q.get(k)) : undefined);
  const s = (k: string) => q.get(k) || undefined;
  return { status: s("status"), app_id: s("app_id"), page_id: s("page_id"), since: n("since"), until: n("until"), after: s("after") };
}

function DeliveryLog({ session, query }: { session: Session; query: URLSearchParams }) {
  const filter = filterOf(query);
  const [live, setLive] = useState(true);
  const [draft, setDraft] = useState({ ...filter, sinceText: toLocalInput(filter.since), untilText: toLocalInput(filter.until) });
  const state = useAsync(() => deliveries({ ...filter, limit: 50 }), [query.toString()]);
  const [rangeMsg, setRangeMsg] = useState<{ count?: number; skipped?: RedeliverySkipped[]; error?: unknown }>();

  useEffect(() => {
    if (!live) return;
    const t = setInterval(state.reload, POLL_MS);
    return () => clearInterval(t);
  }, [live, state.reload]);

  const apply = (e: Event) => {
    e.preventDefault();
    const q = new URLSearchParams();
    const put = (k: string, v: string | number | undefined) => v !== undefined && v !== "" && q.set(k, String(v));
    put("status", draft.status);
    put("app_id", draft.app_id);
    put("page_id", draft.page_id);
    put("since", fromLocalInput(draft.sinceText));
    put("until", fromLocalInput(draft.untilText));
    navigate(`/webhooks${q.size ? `?${q}` : ""}`);
  };
  const canRange = filter.app_id !== undefined && filter.since !== undefined;
  const redeliverAll = async () => {
    if (!filter.app_id || filter.since === undefined) return;
    try {
      const range = {
        app_id: filter.app_id,
        since: filter.since,
        ...(filter.until !== undefined ? { until: filter.until } : {}),
        ...(filter.status ? { status: filter.status as Delivery["status"] } : {}),
      };
      const res = await redeliverRange(range);
      setRangeMsg({ count: res.count, skipped: res.skipped });
      state.reload();
    } catch (e) {
      setRangeMsg({ error: e });
    }
  };

  return (
    <section class="card wide" aria-labelledby="log-h">
      <h2 id="log-h">Delivery log</h2>
      <form class="filters" onSubmit={apply} aria-label="Delivery filters">
        <div>
          <label for="d-status">Status</label>
          <select id="d-status" value={draft.status ?? ""} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || "any"}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="d-app">App id</label>
          <input id="d-app" value={draft.app_id ?? ""} onInput={(e) => setDraft({ ...draft, app_id: e.currentTarget.value.trim() })} />
        </div>
        <div>
          <label for="d-page">Page</label>
          <select id="d-page" value={draft.page_id ?? ""} onChange={(e) => setDraft({ ...draft, page_id: e.currentTarget.value })}>
            <option value="">any</option>
            {session.data.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.id})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="d-since">Since (UTC)</label>
          <input
            id="d-since"
            type="datetime-local"
            value={draft.sinceText}
            onInput={(e) => setDraft({ ...draft, sinceText: e.currentTarget.value })}
          />
        </div>
        <div>
          <label for="d-until">Until (UTC)</label>
          <input
            id="d-until"
            type="datetime-local"
            value={draft.untilText}
            onInput={(e) => setDraft({ ...draft, untilText: e.currentTarget.value })}
          />
        </div>
        <div class="row end">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      <div class="row">
        <label class="choice">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} /> Live updates (every {POLL_MS / 1000}{" "}
          s)
        </label>
        <button type="button" class="secondary" onClick={redeliverAll} disabled={!canRange} aria-describedby="range-help">
          Redeliver all matching
        </button>
        <span id="range-help" class="muted small">
          {canRange
            ? "Sends every delivery of this app since the chosen time again."
            : "Filter by an app id and a since time to redeliver a range."}
        </span>
      </div>
      {rangeMsg?.count !== undefined && (
        <p class="alert ok" role="status">
          Queued {count(rangeMsg.count)} redeliveries.
          {rangeMsg.skipped?.map((k) => (
            <span key={k.page_id}>
              {" "}
              Skipped {count(k.count)} of page {k.page_id}: {k.reason}.
            </span>
          ))}
        </p>
      )}
      {rangeMsg?.error !== undefined && <ErrorBox error={rangeMsg.error} what="Range redelivery" />}
      <Async state={state} what="The webhook delivery log">
        {(list) => (
          <>
            {list.data.length === 0 ? (
              <p class="muted">No deliveries match.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Delivery</th>
                      <th scope="col">Status</th>
                      <th scope="col">Lead</th>
                      <th scope="col">App</th>
                      <th scope="col">Page</th>
                      <th scope="col" class="num">
                        Attempts
                      </th>
                      <th scope="col">Last result</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.data.map((d) => (
                      <tr key={d.id}>
                        <td>
                          <Link href={`/webhooks/deliveries/${d.id}`}>{d.id}</Link>
                        </td>
                        <td>
                          <span class={`badge ${d.status}`}>{d.status}</span>
                        </td>
                        <td>
                          <Link href={`/leads/${d.lead_id}?page=${d.page_id}`}>{d.lead_id}</Link>
                        </td>
                        <td>{d.app_id}</td>
                        <td>{d.page_id}</td>
                        <td class="num">{d.attempts}</td>
                        <td>
                          {d.last_http_status ?? ""} {d.last_error ?? ""}
                        </td>
                        <td>{showTime(d.created_time)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {list.paging?.cursors?.after && list.paging.next && (
              <button
                type="button"
                class="secondary"
                onClick={() => {
                  const q = new URLSearchParams(query);
                  q.set("after", list.paging!.cursors.after);
                  navigate(`/webhooks?${q}`);
                }}
              >
                Older →
              </button>
            )}
          </>
        )}
      </Async>
    </section>
  );
}

export function WebhooksScreen({ session, query }: { session: Session; query: URLSearchParams }) {
  const [apps, setApps] = useState<AppSubscriptions[]>([]);
  return (
    <section>
      <h1>Webhooks</h1>
      <DeliveriesChart />
      <DeliveryLog session={session} query={query} />
      <div class="grid">
        <Subscriptions onApps={setApps} />
        <Faults apps={apps} />
        <Disabled apps={apps} />
      </div>
    </section>
  );
}
