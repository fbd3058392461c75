import { useState } from "preact/hooks";
import {
  apps,
  createToken,
  debugToken,
  leadAccess,
  type NewToken,
  type PageRoleInfo,
  pageRoles,
  revokeToken,
  type Session,
  type TokenDebug,
  tokens,
  users,
} from "../api.ts";
import { Async, ErrorBox, useAsync } from "../components/async.tsx";
import { explainAccess } from "../components/explain-access.ts";
import { showTime } from "../components/format.ts";

const SCOPES = [
  "leads_retrieval",
  "pages_show_list",
  "pages_read_engagement",
  "pages_manage_metadata",
  "pages_manage_ads",
  "ads_management",
  "business_management",
];
const EXPIRY = [
  { label: "1 hour", seconds: 3600 },
  { label: "1 day", seconds: 86_400 },
  { label: "60 days", seconds: 60 * 86_400 },
  { label: "Never", seconds: "never" },
] as const;

function DebugView({ session, initialToken }: { session: Session; initialToken: string }) {
  const [token, setToken] = useState(initialToken);
  const [pageId, setPageId] = useState(session.data[0]?.id ?? "");
  const [result, setResult] = useState<{ debug?: TokenDebug; error?: unknown }>();
  const run = async (e: Event) => {
    e.preventDefault();
    try {
      setResult({ debug: await debugToken(token.trim(), pageId) });
    } catch (err) {
      setResult({ error: err });
    }
  };
  const explained = result?.debug && explainAccess(result.debug.debug_token, result.debug.has_lead_access, pageId);
  const reasons = explained?.reasons ?? [];
  return (
    <section class="card wide" aria-labelledby="debug-h">
      <h2 id="debug-h">Debug a token</h2>
      <form class="filters" onSubmit={run}>
        <div class="grow">
          <label for="debug-token">Token</label>
          <input id="debug-token" value={token} onInput={(e) => setToken(e.currentTarget.value)} autoComplete="off" required />
        </div>
        <div>
          <label for="debug-page">Page</label>
          <select id="debug-page" value={pageId} onChange={(e) => setPageId(e.currentTarget.value)}>
            {session.data.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.id})
              </option>
            ))}
          </select>
        </div>
        <div class="row end">
          <button type="submit">Debug</button>
        </div>
      </form>
      {result?.error !== undefined && <ErrorBox error={result.error} what="The token debug view" />}
      {result?.debug && (
        <div data-testid="debug-result">
          <p class={`alert ${explained?.ok ? "ok" : "error"}`} role="status">
            {explained?.ok ? "This token can read this page's leads." : "This token cannot read this page's leads."}
          </p>
          <ul>
            {reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <details>
            <summary>debug_token</summary>
            <pre>{JSON.stringify(result.debug.debug_token, null, 2)}</pre>
          </details>
          {result.debug.has_lead_access && (
            <details>
              <summary>has_lead_access</summary>
              <pre>{JSON.stringify(result.debug.has_lead_access, null, 2)}</pre>
            </details>
          )}
        </div>
      )}
    </section>
  );
}

function Tokens({ session, onCreated }: { session: Session; onCreated: (text: string) => void }) {
  const list = useAsync(tokens, []);
  const appList = useAsync(apps, []);
  const userList = useAsync(users, []);
  const first = session.data[0];
  const [draft, setDraft] = useState<NewToken>({
    type: "PAGE",
    app_id: "",
    user_id: "",
    page_id: first?.id ?? "",
    scopes: ["leads_retrieval", "pages_show_list"],
    expires_in: 3600,
  });
  const [created, setCreated] = useState<{ text?: string; error?: unknown }>();
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const t = await createToken({
        ...draft,
        app_id: draft.app_id || appList.data?.data[0]?.id || "",
        // Without a chosen user, the one the console itself reads the page as (someone with a role on it).
        user_id: draft.user_id || session.data.find((p) => p.id === draft.page_id)?.user_id || "",
        ...(draft.type === "PAGE" ? {} : { page_id: undefined }),
      });
      setCreated({ text: t.access_token });
      onCreated(t.access_token);
      list.reload();
    } catch (err) {
      setCreated({ error: err });
    }
  };
  const revoke = async (id: string) => {
    await revokeToken(id);
    list.reload();
  };
  const toggleScope = (s: string, on: boolean) =>
    setDraft({ ...draft, scopes: on ? [...draft.scopes, s] : draft.scopes.filter((x) => x !== s) });
  return (
    <section class="card wide" aria-labelledby="tokens-h">
      <h2 id="tokens-h">Tokens</h2>
      <form onSubmit={create} class="stack" aria-label="Create a token">
        <div class="filters">
          <div>
            <label for="t-type">Kind</label>
            <select
              id="t-type"
              value={draft.type}
              onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value as NewToken["type"] })}
            >
              <option value="PAGE">Page</option>
              <option value="USER">User</option>
              <option value="SYSTEM_USER">System user</option>
            </select>
          </div>
          <div>
            <label for="t-app">App</label>
            <select
              id="t-app"
              value={draft.app_id || appList.data?.data[0]?.id || ""}
              onChange={(e) => setDraft({ ...draft, app_id: e.currentTarget.value })}
            >
              {(appList.data?.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.id})
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="t-user">User</label>
            <select id="t-user" value={draft.user_id ?? ""} onChange={(e) => setDraft({ ...draft, user_id: e.currentTarget.value })}>
              <option value="">(someone with a role on the page)</option>
              {(userList.data?.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.id})
                </option>
              ))}
            </select>
          </div>
          {draft.type === "PAGE" && (
            <div>
              <label for="t-page">Page</label>
              <select id="t-page" value={draft.page_id ?? ""} onChange={(e) => setDraft({ ...draft, page_id: e.currentTarget.value })}>
                {session.data.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.id})
                  </option>
                ))}
              </select>
            </div>
          )}
          <div>
            <label for="t-exp">Expires after</label>
            <select
              id="t-exp"
              value={String(draft.expires_in)}
              onChange={(e) =>
                setDraft({ ...draft, expires_in: e.currentTarget.value === "never" ? "never" : Number(e.currentTarget.value) })
              }
            >
              {EXPIRY.map((x) => (
                <option key={x.label} value={String(x.seconds)}>
                  {x.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset class="row">
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} class="choice">
              <input type="checkbox" checked={draft.scopes.includes(s)} onChange={(e) => toggleScope(s, e.currentTarget.checked)} /> {s}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create token</button>
      </form>
      {created?.text && (
        <p class="alert ok" role="status">
          New token (shown once):{" "}
          <code data-testid="new-token" class="wrap">
            {created.text}
          </code>
        </p>
      )}
      {created?.error !== undefined && <ErrorBox error={created.error} what="Token issuing" />}
      <Async state={list} what="The token list">
        {(l) => (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Kind</th>
                  <th scope="col">App</th>
                  <th scope="col">User</th>
                  <th scope="col">Page</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Expires</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {l.data.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <code>{t.display_prefix}</code>
                      {t.label ? <span class="muted"> {t.label}</span> : null}
                    </td>
                    <td>{t.type}</td>
                    <td>{t.app_id}</td>
                    <td>{t.user_id ?? "—"}</td>
                    <td>{t.page_id ?? "—"}</td>
                    <td class="small">{t.scopes.join(", ")}</td>
                    <td>{t.expires_at === 0 ? "never" : showTime(t.expires_at)}</td>
                    <td>
                      {(t.is_valid ?? t.invalidated_subcode === null) ? (
                        <span class="badge delivered">valid</span>
                      ) : (
                        <span class="badge expired">invalid ({t.invalidated_subcode})</span>
                      )}
                    </td>
                    <td>
                      {t.invalidated_subcode === null && (
                        <button
                          type="button"
                          class="secondary"
                          onClick={() => revoke(t.id)}
                          aria-label={`Revoke token ${t.display_prefix}`}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Async>
    </section>
  );
}

function People({ session }: { session: Session }) {
  const appList = useAsync(apps, []);
  const userList = useAsync(users, []);
  const roles = useAsync(() => Promise.all(session.data.map(async (p) => ({ page: p, roles: (await pageRoles(p.id)).data }))), [session]);
  const lam = useAsync(() => Promise.all(session.data.map(async (p) => ({ page: p, access: await leadAccess(p.id) }))), [session]);
  return (
    <div class="grid">
      <section class="card" aria-labelledby="apps-h">
        <h2 id="apps-h">Apps</h2>
        <Async state={appList} what="The app list">
          {(l) => (
            <ul class="plain">
              {l.data.map((a) => (
                <li key={a.id}>
                  {a.name} <span class="muted">{a.id}</span> <span class="badge">{a.mode}</span>
                  {a.require_appsecret_proof ? " · appsecret_proof required" : ""}
                </li>
              ))}
            </ul>
          )}
        </Async>
      </section>
      <section class="card" aria-labelledby="users-h">
        <h2 id="users-h">Users</h2>
        <Async state={userList} what="The user list">
          {(l) => (
            <ul class="plain">
              {l.data.map((u) => (
                <li key={u.id}>
                  {u.name} <span class="muted">{u.id}</span>
                </li>
              ))}
            </ul>
          )}
        </Async>
      </section>
      <section class="card" aria-labelledby="roles-h">
        <h2 id="roles-h">Page roles</h2>
        <Async state={roles} what="Page roles">
          {(rows) =>
            rows.map(({ page, roles: r }: { page: Session["data"][number]; roles: PageRoleInfo[] }) => (
              <div key={page.id}>
                <h3>{page.name}</h3>
                <ul class="plain">
                  {r.map((x) => (
                    <li key={x.user_id}>
                      User {x.user_id}: {x.tasks.join(", ")}
                    </li>
                  ))}
                </ul>
              </div>
            ))
          }
        </Async>
      </section>
      <section class="card" aria-labelledby="lam-h">
        <h2 id="lam-h">Leads Access Manager</h2>
        <Async state={lam} what="Leads Access Manager assignments">
          {(rows) =>
            rows.map(({ page, access }) => (
              <div key={page.id}>
                <h3>{page.name}</h3>
                {access.lead_access ? (
                  <p>
                    Customised: only users {access.lead_access.user_ids.join(", ") || "(none)"} and apps{" "}
                    {access.lead_access.app_ids.join(", ") || "(none)"} may read leads.
                  </p>
                ) : (
                  <p class="muted">Not customised: every page admin has lead access.</p>
                )}
              </div>
            ))
          }
        </Async>
      </section>
    </div>
  );
}

export function AccessScreen({ session }: { session: Session }) {
  const [lastCreated, setLastCreated] = useState("");
  return (
    <section>
      <h1>Access</h1>
      <People session={session} />
      <Tokens session={session} onCreated={setLastCreated} />
      <DebugView key={lastCreated} session={session} initialToken={lastCreated} />
    </section>
  );
}
