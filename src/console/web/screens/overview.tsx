import { useState } from "preact/hooks";
import {
  ApiError,
  type ClockState,
  currentSession,
  deliveries,
  formsOfPage,
  leadCount,
  limits,
  serverNow,
  type Session,
  setClock,
} from "../api.ts";
import { Async, ErrorBox, useAsync } from "../components/async.tsx";
import { count, percent, showTime } from "../components/format.ts";
import { UsageBar } from "../components/usage-bar.tsx";
import { Link } from "../router.tsx";

const DAY = 86_400;

async function leadTotals(session: Session, now: number) {
  const midnight = now - (now % DAY);
  const pages = session.data.filter((p) => p.access_token);
  const rows = await Promise.all(
    pages.map(async (p) => {
      const forms = await formsOfPage(p.id);
      const counts = await Promise.all(
        forms.map(async (f) => {
          const [today, week, quarter] = await Promise.all([
            leadCount(p.id, f.id, midnight),
            leadCount(p.id, f.id, now - 7 * DAY),
            leadCount(p.id, f.id, now - 90 * DAY),
          ]);
          return { today, week, quarter };
        }),
      );
      const sum = counts.reduce((a, c) => ({ today: a.today + c.today, week: a.week + c.week, quarter: a.quarter + c.quarter }), {
        today: 0,
        week: 0,
        quarter: 0,
      });
      return { page: p, forms: forms.length, active: forms.filter((f) => f.status === "ACTIVE").length, ...sum };
    }),
  );
  return rows;
}

function ClockPanel({ onChanged }: { onChanged: () => void }) {
  const state = useAsync(serverNow, []);
  const [error, setError] = useState<unknown>();
  const change = async (c: Parameters<typeof setClock>[0]) => {
    setError(undefined);
    try {
      await setClock(c);
      await currentSession(true);
      state.reload();
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" aria-labelledby="clock-h">
      <h2 id="clock-h">Clock</h2>
      <Async state={state}>
        {(c: ClockState) => (
          <>
            <p>
              <strong data-testid="server-now">{showTime(c.now)}</strong> <span class="badge">{c.mode}</span>
            </p>
            {c.estimated ? (
              <p class="muted">
                This server has no clock endpoint (<code>/_leadgraph/admin/clock</code>), so the clock cannot be moved from here.
              </p>
            ) : c.mode === "manual" ? (
              <div class="row">
                <button type="button" onClick={() => change({ advance: "1h" })}>
                  +1 hour
                </button>
                <button type="button" onClick={() => change({ advance: "1d" })}>
                  +1 day
                </button>
                <button type="button" onClick={() => change({ advance: "7d" })}>
                  +7 days
                </button>
              </div>
            ) : (
              <p class="muted">
                The server follows the system clock; start it with <code>--clock manual</code> to move time from here.
              </p>
            )}
          </>
        )}
      </Async>
      {error !== undefined && <ErrorBox error={error} what="Clock controls" />}
    </section>
  );
}

export function OverviewScreen({ session }: { session: Session }) {
  const totals = useAsync(async () => leadTotals(session, (await serverNow()).now), [session]);
  const hooks = useAsync(() => deliveries({ limit: 100 }), []);
  const usage = useAsync(limits, []);

  return (
    <section>
      <h1>Overview</h1>
      <div class="grid">
        <section class="card wide" aria-labelledby="pages-h">
          <h2 id="pages-h">Pages, forms and leads</h2>
          <Async state={totals}>
            {(rows) => (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Page</th>
                      <th scope="col" class="num">
                        Forms
                      </th>
                      <th scope="col" class="num">
                        Leads today
                      </th>
                      <th scope="col" class="num">
                        7 days
                      </th>
                      <th scope="col" class="num">
                        90 days
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.page.id}>
                        <th scope="row">
                          {r.page.name} <span class="muted">{r.page.id}</span>
                        </th>
                        <td class="num">
                          {count(r.forms)} <span class="muted">({count(r.active)} active)</span>
                        </td>
                        <td class="num" data-testid={`leads-today-${r.page.id}`}>
                          {count(r.today)}
                        </td>
                        <td class="num">{count(r.week)}</td>
                        <td class="num">{count(r.quarter)}</td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row">All pages</th>
                      <td class="num">{count(rows.reduce((a, r) => a + r.forms, 0))}</td>
                      <td class="num">{count(rows.reduce((a, r) => a + r.today, 0))}</td>
                      <td class="num">{count(rows.reduce((a, r) => a + r.week, 0))}</td>
                      <td class="num">{count(rows.reduce((a, r) => a + r.quarter, 0))}</td>
                    </tr>
                  </tfoot>
                </table>
              </div>
            )}
          </Async>
          {session.data
            .filter((p) => !p.access_token)
            .map((p) => (
              <p key={p.id} class="alert note">
                {p.name}: {p.unavailable_reason}
              </p>
            ))}
          <p>
            <Link href="/forms">All forms →</Link>
          </p>
        </section>

        <section class="card" aria-labelledby="hooks-h">
          <h2 id="hooks-h">Webhooks</h2>
          <Async state={hooks} what="The webhook delivery log">
            {(list) => {
              const done = list.data.filter((d) => d.status !== "pending");
              const ok = done.filter((d) => d.status === "delivered").length;
              const failures = list.data
                .filter(
                  (d) => d.last_error !== null || (d.last_http_status !== null && d.last_http_status >= 300) || d.status === "expired",
                )
                .slice(0, 5);
              return (
                <>
                  <p class="big" data-testid="webhook-success">
                    {percent(ok, done.length)}
                  </p>
                  <p class="muted">
                    delivered, of the last {count(done.length)} finished deliveries ({count(list.data.length - done.length)} pending)
                  </p>
                  <h3>Latest failures</h3>
                  {failures.length === 0 ? (
                    <p class="muted">None.</p>
                  ) : (
                    <ul class="plain">
                      {failures.map((d) => (
                        <li key={d.id}>
                          <Link href={`/webhooks/deliveries/${d.id}`}>{d.id}</Link> lead {d.lead_id}: {d.last_http_status ?? ""}{" "}
                          {d.last_error ?? d.status}
                        </li>
                      ))}
                    </ul>
                  )}
                  <p>
                    <Link href="/webhooks">Delivery log →</Link>
                  </p>
                </>
              );
            }}
          </Async>
        </section>

        <section class="card" aria-labelledby="limits-h">
          <h2 id="limits-h">Rate-limit usage</h2>
          <Async state={usage} what="Rate-limit usage">
            {(list) => (
              <>
                {list.data.map((u) => {
                  const name = u.page_name ?? session.data.find((p) => p.id === u.page_id)?.name ?? u.page_id;
                  return <UsageBar key={u.page_id} label={name} used={u.used} budget={u.budget} />;
                })}
                <p>
                  <Link href="/limits">Limits →</Link>
                </p>
              </>
            )}
          </Async>
        </section>

        <ClockPanel
          onChanged={() => {
            totals.reload();
            usage.reload();
          }}
        />
      </div>
      {totals.error instanceof ApiError && totals.error.graph?.code === 4 && (
        <p class="alert note">The console's own reads count against each page's rate limit.</p>
      )}
    </section>
  );
}
