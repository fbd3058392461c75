import { useEffect, useState } from "preact/hooks";
import { exportUrl, type Lead, leads } from "../api.ts";
import { Async, ErrorBox, useAsync } from "./async.tsx";
import { count as showCount, fieldValue, fromLocalInput, showTime, toLocalInput } from "./format.ts";
import { Link, navigate } from "../router.tsx";

const PAGE_SIZE = 50;

function summaryOf(l: Lead): string {
  const pick = (n: string) => l.field_data?.find((f) => f.name === n)?.values;
  const name = pick("full_name") ?? pick("first_name");
  const contact = pick("email") ?? pick("phone_number");
  return (
    [fieldValue(name), fieldValue(contact)].filter(Boolean).join(" · ") ||
    (l.field_data ?? [])
      .map((f) => `${f.name}: ${fieldValue(f.values)}`)
      .slice(0, 2)
      .join(" · ")
  );
}

/**
 * The leads of a form, filtered by time range and ad, paged by the Graph cursors (keyset paging:
 * page 2,000 costs what page 1 costs). Filters and cursor live in the URL so back/forward work.
 */
export function LeadsTable({
  pageId,
  formId,
  query,
  formLeads,
}: {
  pageId: string;
  formId: string;
  query: URLSearchParams;
  formLeads?: number | undefined;
}) {
  const from = query.get("from") ? Number(query.get("from")) : undefined;
  const until = query.get("until") ? Number(query.get("until")) : undefined;
  const ad = query.get("ad") ?? "";
  const after = query.get("after") ?? undefined;
  const before = query.get("before") ?? undefined;
  const pageNo = Number(query.get("p") ?? "1");
  const base = `/forms/${pageId}/${formId}`;

  const [draft, setDraft] = useState({ from: toLocalInput(from), until: toLocalInput(until), ad });
  const state = useAsync(
    () => leads(pageId, formId, { from, until, adId: ad || undefined, after, before, limit: PAGE_SIZE, summary: !after && !before }),
    [pageId, formId, from, until, ad, after, before],
  );
  const [count, setCount] = useState<{ key: string; n: number } | undefined>();
  const filterKey = `${from}|${until}|${ad}`;
  const total = state.data?.summary?.total_count;
  useEffect(() => {
    if (total !== undefined) setCount({ key: filterKey, n: total });
  }, [total, filterKey]);

  const go = (params: Record<string, string | number | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
    const s = q.toString();
    navigate(`${base}${s ? `?${s}` : ""}`);
  };
  const filters = { from, until, ad };
  const apply = (e: Event) => {
    e.preventDefault();
    go({ from: fromLocalInput(draft.from), until: fromLocalInput(draft.until), ad: draft.ad.trim() });
  };

  const [exportError, setExportError] = useState<unknown>();
  const download = async (format: "csv" | "tsv") => {
    setExportError(undefined);
    try {
      location.assign(await exportUrl(pageId, formId, format, { from, until }));
    } catch (e) {
      setExportError(e);
    }
  };

  return (
    <section class="card wide" aria-labelledby="leads-h">
      <h2 id="leads-h">Leads</h2>
      <form class="filters" onSubmit={apply} aria-label="Lead filters">
        <div>
          <label for="f-from">From (UTC)</label>
          <input
            id="f-from"
            type="datetime-local"
            value={draft.from}
            onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
          />
        </div>
        <div>
          <label for="f-until">Until (UTC)</label>
          <input
            id="f-until"
            type="datetime-local"
            value={draft.until}
            onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })}
          />
        </div>
        <div>
          <label for="f-ad">Ad id</label>
          <input
            id="f-ad"
            inputMode="numeric"
            pattern="\d*"
            value={draft.ad}
            placeholder="any ad"
            onInput={(e) => setDraft({ ...draft, ad: e.currentTarget.value })}
          />
        </div>
        <div class="row end">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setDraft({ from: "", until: "", ad: "" });
              go({});
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <div class="row">
        <button type="button" class="secondary" onClick={() => download("csv")}>
          Export CSV
        </button>
        <button type="button" class="secondary" onClick={() => download("tsv")}>
          Export TSV
        </button>
        {count?.key === filterKey && (
          <span class="muted" data-testid="lead-count">
            {showCount(count.n)} leads match
          </span>
        )}
      </div>
      {count?.key === filterKey && from === undefined && until === undefined && !ad && formLeads !== undefined && formLeads > count.n && (
        <p class="alert note" data-testid="retention-note">
          The form counts {showCount(formLeads)} leads; {showCount(formLeads - count.n)} of them are older than 90 days. Like Meta,
          leadgraph keeps counting them but no longer returns them through the Graph API (leads are readable for 90 days after they arrive),
          so they are not listed here.
        </p>
      )}
      {exportError !== undefined && <ErrorBox error={exportError} what="Lead export" />}
      <Async state={state}>
        {(page) => (
          <>
            {page.data.length === 0 ? (
              <p class="muted">No leads in this range.</p>
            ) : (
              <div class="table-wrap">
                <table aria-describedby="leads-h">
                  <thead>
                    <tr>
                      <th scope="col">Created</th>
                      <th scope="col">Lead</th>
                      <th scope="col">Answers</th>
                      <th scope="col">Ad</th>
                      <th scope="col">Platform</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.data.map((l) => (
                      <tr key={l.id}>
                        <td>{showTime(l.created_time)}</td>
                        <td>
                          <Link href={`/leads/${l.id}?page=${pageId}`}>{l.id}</Link>
                        </td>
                        <td>{summaryOf(l)}</td>
                        <td>
                          {l.ad_id ? (
                            <>
                              {l.ad_name ?? l.ad_id} <span class="muted">{l.ad_id}</span>
                            </>
                          ) : (
                            <span class="muted">{l.is_organic ? "organic" : "—"}</span>
                          )}
                        </td>
                        <td>{l.platform ?? "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <nav class="row pager" aria-label="Lead pages">
              <button
                type="button"
                class="secondary"
                disabled={pageNo <= 1 || !page.paging?.cursors?.before}
                onClick={() => (pageNo <= 2 ? go(filters) : go({ ...filters, before: page.paging?.cursors?.before, p: pageNo - 1 }))}
              >
                ← Newer
              </button>
              <span aria-live="polite">Page {pageNo}</span>
              <button
                type="button"
                class="secondary"
                disabled={!page.paging?.next}
                onClick={() => go({ ...filters, after: page.paging?.cursors?.after, p: pageNo + 1 })}
              >
                Older →
              </button>
            </nav>
          </>
        )}
      </Async>
    </section>
  );
}
