import { limits, type Session } from "../api.ts";
import { Async, useAsync } from "../components/async.tsx";
import { UsageChart } from "../components/usage-chart.tsx";

export function LimitsScreen({ session }: { session: Session }) {
  const state = useAsync(limits, []);
  return (
    <section>
      <h1>Limits</h1>
      <p class="muted">Leadgen calls per page over the last 24 hours against the page's budget. The console's own reads count too.</p>
      <Async state={state} what="Rate-limit usage">
        {(list) => list.data.length === 0 ? <p class="muted">No page has used its lead rate limit yet.</p> : (
          <div class="grid">
            {list.data.map((u) => (
              <section key={u.page_id} class="card">
                <h2>{session.data.find((p) => p.id === u.page_id)?.name ?? u.page_id}</h2>
                <UsageChart usage={u} title={`Page ${u.page_id}`} />
              </section>
            ))}
          </div>
        )}
      </Async>
    </section>
  );
}
