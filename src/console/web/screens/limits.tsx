import { limits, pageLimit, type Session } from "../api.ts";
import { Async, useAsync } from "../components/async.tsx";
import { UsageBar } from "../components/usage-bar.tsx";
import { UsageChart } from "../components/usage-chart.tsx";

async function usageWithHours() {
  const list = await limits();
  return Promise.all(list.data.map((u) => pageLimit(u.page_id).then((d) => ({ ...u, ...d }))));
}

export function LimitsScreen({ session }: { session: Session }) {
  const state = useAsync(usageWithHours, []);
  return (
    <section>
      <h1>Limits</h1>
      <p class="muted">Leadgen calls per page over the last 24 hours against the page's budget. The console's own reads are not counted.</p>
      <Async state={state} what="Rate-limit usage">
        {(list) =>
          list.length === 0 ? (
            <p class="muted">No pages.</p>
          ) : (
            <div class="grid">
              {list.map((u) => {
                const name = u.page_name ?? session.data.find((p) => p.id === u.page_id)?.name ?? u.page_id;
                return (
                  <section key={u.page_id} class="card" aria-labelledby={`limit-${u.page_id}`}>
                    <h2 id={`limit-${u.page_id}`}>
                      {name} <span class="muted">{u.page_id}</span>
                    </h2>
                    <UsageBar label="Used in the rolling 24 h" used={u.used} budget={u.budget} />
                    <UsageChart usage={u} title={name} />
                    {u.limited && (
                      <p class="alert error">
                        Rate limited
                        {u.estimated_time_to_regain_access ? `: about ${u.estimated_time_to_regain_access} min to regain access` : ""}.
                      </p>
                    )}
                  </section>
                );
              })}
            </div>
          )
        }
      </Async>
    </section>
  );
}
