import { useState } from "preact/hooks";
import { createAttributedLead, createTestLead, type FieldDatum, form, type FormDetail, hostedFormUrl, setFormStatus } from "../api.ts";
import { Async, ErrorBox, useAsync } from "../components/async.tsx";
import { FormPreview, labelOf } from "../components/form-preview.tsx";
import { count, showTime } from "../components/format.ts";
import { LeadsPerDayChart } from "../components/leads-per-day-chart.tsx";
import { LeadsTable } from "../components/leads-table.tsx";
import { Link, navigate } from "../router.tsx";

function NewLead({ pageId, f }: { pageId: string; f: FormDetail }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [kind, setKind] = useState<"test" | "attributed">("test");
  const [adId, setAdId] = useState("");
  const [platform, setPlatform] = useState("fb");
  const [result, setResult] = useState<{ id?: string; error?: unknown }>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const fieldData: FieldDatum[] = f.questions.filter((q) => values[q.key]).map((q) => ({ name: q.key, values: [values[q.key]!] }));
    try {
      const r =
        kind === "test"
          ? await createTestLead(pageId, f.id, fieldData)
          : await createAttributedLead(f.id, { field_data: fieldData, platform, ...(adId ? { ad_id: adId } : {}) });
      setResult({ id: r.id });
    } catch (err) {
      setResult({ error: err });
    }
  };
  return (
    <section class="card" aria-labelledby="new-lead-h">
      <h2 id="new-lead-h">Create a lead</h2>
      <form onSubmit={submit}>
        <fieldset class="row">
          <legend>Kind</legend>
          <label class="choice">
            <input type="radio" name="kind" checked={kind === "test"} onChange={() => setKind("test")} /> Test lead (Graph{" "}
            <code>test_leads</code>)
          </label>
          <label class="choice">
            <input type="radio" name="kind" checked={kind === "attributed"} onChange={() => setKind("attributed")} /> Attributed lead (admin
            API)
          </label>
        </fieldset>
        {f.questions.map((q) => (
          <div key={q.key}>
            <label for={`new-${q.key}`}>
              {labelOf(q)} <span class="muted">{q.key}</span>
            </label>
            {q.options?.length ? (
              <select
                id={`new-${q.key}`}
                value={values[q.key] ?? ""}
                onChange={(e) => setValues({ ...values, [q.key]: e.currentTarget.value })}
              >
                <option value="">(no answer)</option>
                {q.options.map((o) => (
                  <option key={o.key} value={o.key}>
                    {o.value}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={`new-${q.key}`}
                value={values[q.key] ?? ""}
                onInput={(e) => setValues({ ...values, [q.key]: e.currentTarget.value })}
              />
            )}
          </div>
        ))}
        {kind === "attributed" && (
          <div class="row">
            <div>
              <label for="new-ad">Ad id (empty: organic)</label>
              <input id="new-ad" inputMode="numeric" value={adId} onInput={(e) => setAdId(e.currentTarget.value.trim())} />
            </div>
            <div>
              <label for="new-platform">Platform</label>
              <select id="new-platform" value={platform} onChange={(e) => setPlatform(e.currentTarget.value)}>
                <option value="fb">Facebook (fb)</option>
                <option value="ig">Instagram (ig)</option>
              </select>
            </div>
          </div>
        )}
        <button type="submit">Create lead</button>
      </form>
      {result?.id && (
        <p class="alert ok" role="status">
          Created lead <Link href={`/leads/${result.id}?page=${pageId}`}>{result.id}</Link>.
        </p>
      )}
      {result?.error !== undefined && <ErrorBox error={result.error} what="Creating leads" />}
    </section>
  );
}

export function FormScreen({ pageId, formId, query }: { pageId: string; formId: string; query: URLSearchParams }) {
  const state = useAsync(() => form(pageId, formId), [pageId, formId]);
  const [statusError, setStatusError] = useState<unknown>();
  const toggle = async (f: FormDetail) => {
    setStatusError(undefined);
    try {
      await setFormStatus(pageId, f.id, f.status === "ACTIVE" ? "ARCHIVED" : "ACTIVE");
      state.reload();
    } catch (e) {
      setStatusError(e);
    }
  };
  return (
    <section>
      <p>
        <Link href="/forms">← Forms</Link>
      </p>
      <Async state={state}>
        {(f) => (
          <>
            <h1>
              {f.name} <span class={`badge ${f.status.toLowerCase()}`}>{f.status}</span>
            </h1>
            <p class="muted">
              Form <code>{f.id}</code> on {f.page?.name ?? pageId} · {f.locale} · created {showTime(f.created_time)} ·{" "}
              {count(f.leads_count ?? 0)} leads ({count(f.organic_leads_count ?? 0)} organic)
            </p>
            <div class="row">
              <a class="button secondary" href={hostedFormUrl(f.id)} target="_blank" rel="noopener">
                Open the hosted form
              </a>
              <button type="button" class="secondary" onClick={() => toggle(f)}>
                {f.status === "ACTIVE" ? "Archive" : "Activate"}
              </button>
              <button type="button" class="link" onClick={() => navigate(`/webhooks?page_id=${pageId}`)}>
                Webhook deliveries of this page
              </button>
            </div>
            {statusError !== undefined && <ErrorBox error={statusError} what="Archiving and activating forms" />}
            <LeadsPerDayChart pageId={pageId} formId={f.id} formName={f.name} />
            <div class="grid">
              <section class="card" aria-labelledby="preview-h">
                <h2 id="preview-h">Questions, as the person sees them</h2>
                <FormPreview form={f} />
              </section>
              <NewLead pageId={pageId} f={f} />
            </div>
            <LeadsTable pageId={pageId} formId={f.id} query={query} formLeads={f.leads_count} />
          </>
        )}
      </Async>
    </section>
  );
}
