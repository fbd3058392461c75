import { leads, serverNow } from "../api.ts";
import { Async, useAsync } from "./async.tsx";
import { Chart } from "./chart.tsx";
import { count } from "./format.ts";

const DAYS = 30;
const DAY = 86_400;

/** Leads per UTC day of one form over the last 30 days: one Graph count per day (console reads cost no budget). */
async function leadsPerDay(pageId: string, formId: string) {
  const { now } = await serverNow();
  const first = Math.floor(now / DAY) * DAY - (DAYS - 1) * DAY;
  const x = Array.from({ length: DAYS }, (_, i) => first + i * DAY);
  const counts = await Promise.all(
    x.map(async (from) => (await leads(pageId, formId, { from, until: from + DAY, limit: 1, summary: true })).summary?.total_count ?? 0),
  );
  return { x, counts };
}

export function LeadsPerDayChart({ pageId, formId, formName }: { pageId: string; formId: string; formName: string }) {
  const state = useAsync(() => leadsPerDay(pageId, formId), [pageId, formId]);
  return (
    <section class="card wide" aria-labelledby="per-day-h">
      <h2 id="per-day-h">Leads per day</h2>
      <Async state={state} what="Leads per day">
        {({ x, counts }) => (
          <Chart
            x={x}
            series={[{ label: formName, stroke: "#0969da", bars: true, values: counts }]}
            caption={`${formName}: ${count(counts.reduce((a, b) => a + b, 0))} leads in the last ${DAYS} days (UTC days), ${count(counts.at(-1) ?? 0)} today.`}
            testId="leads-per-day"
          />
        )}
      </Async>
    </section>
  );
}
