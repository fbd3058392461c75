import { formsOfPage, type Session } from "../api.ts";
import { Async, useAsync } from "../components/async.tsx";
import { count, showTime } from "../components/format.ts";
import { Link } from "../router.tsx";

export function FormsScreen({ session }: { session: Session }) {
  const pages = session.data.filter((p) => p.access_token);
  const state = useAsync(() => Promise.all(pages.map(async (p) => ({ page: p, forms: await formsOfPage(p.id) }))), [session]);
  return (
    <section>
      <h1>Forms</h1>
      <Async state={state}>
        {(rows) =>
          rows.map(({ page, forms }) => (
            <section key={page.id} class="card" aria-labelledby={`page-${page.id}`}>
              <h2 id={`page-${page.id}`}>
                {page.name} <span class="muted">page {page.id}</span>
              </h2>
              {forms.length === 0 ? (
                <p class="muted">No forms on this page.</p>
              ) : (
                <div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Form</th>
                        <th scope="col">Id</th>
                        <th scope="col">Status</th>
                        <th scope="col">Locale</th>
                        <th scope="col" class="num">
                          Leads
                        </th>
                        <th scope="col">Created</th>
                      </tr>
                    </thead>
                    <tbody>
                      {forms.map((f) => (
                        <tr key={f.id}>
                          <th scope="row">
                            <Link href={`/forms/${page.id}/${f.id}`}>{f.name}</Link>
                          </th>
                          <td>
                            <code>{f.id}</code>
                          </td>
                          <td>
                            <span class={`badge ${f.status.toLowerCase()}`}>{f.status}</span>
                          </td>
                          <td>{f.locale}</td>
                          <td class="num">{count(f.leads_count)}</td>
                          <td>{showTime(f.created_time)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          ))
        }
      </Async>
    </section>
  );
}
