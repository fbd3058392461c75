import { useEffect, useRef, useState } from "preact/hooks";
import { currentSession, forgetKey, onKeyRefused, type Session, storedKey } from "./api.ts";
import { Loading } from "./components/async.tsx";
import { Link, match, useLocation } from "./router.tsx";
import { AccessScreen } from "./screens/access.tsx";
import { DeliveryScreen } from "./screens/delivery.tsx";
import { FormScreen } from "./screens/form.tsx";
import { FormsScreen } from "./screens/forms.tsx";
import { LeadScreen } from "./screens/lead.tsx";
import { LimitsScreen } from "./screens/limits.tsx";
import { OverviewScreen } from "./screens/overview.tsx";
import { SignInScreen } from "./screens/sign-in.tsx";
import { WebhooksScreen } from "./screens/webhooks.tsx";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/forms", label: "Forms" },
  { href: "/webhooks", label: "Webhooks" },
  { href: "/access", label: "Access" },
  { href: "/limits", label: "Limits" },
] as const;

function Screen({ path, query, session }: { path: string; query: URLSearchParams; session: Session }) {
  let m: Record<string, string> | undefined;
  if (path === "/") return <OverviewScreen session={session} />;
  if (path === "/forms") return <FormsScreen session={session} />;
  if ((m = match("/forms/:pageId/:formId", path))) return <FormScreen pageId={m.pageId!} formId={m.formId!} query={query} />;
  if ((m = match("/leads/:leadId", path)))
    return <LeadScreen key={m.leadId} leadId={m.leadId!} pageHint={query.get("page") ?? undefined} />;
  if (path === "/webhooks") return <WebhooksScreen session={session} query={query} />;
  if ((m = match("/webhooks/deliveries/:id", path))) return <DeliveryScreen key={m.id} id={m.id!} />;
  if (path === "/access") return <AccessScreen session={session} />;
  if (path === "/limits") return <LimitsScreen session={session} />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No console screen lives at <code>{path}</code>. <Link href="/">Back to the overview</Link>.
      </p>
    </section>
  );
}

export function App() {
  const loc = useLocation();
  const [session, setSession] = useState<Session | undefined>();
  const [checking, setChecking] = useState(storedKey() !== null);
  const main = useRef<HTMLElement>(null);

  const [keyRefused, setKeyRefused] = useState(false);

  useEffect(() => {
    // Any admin call the server answers "bad key" to (the key was changed) signs the tab out.
    const unlisten = onKeyRefused(() => {
      setSession(undefined);
      setKeyRefused(true);
    });
    if (storedKey())
      currentSession()
        .then(setSession, () => undefined)
        .finally(() => setChecking(false));
    return unlisten;
  }, []);

  // Moves focus to the new screen so keyboard and screen-reader users land on its content.
  useEffect(() => {
    main.current?.focus({ preventScroll: true });
  }, [loc.path]);

  if (checking) return <Loading label="Signing in…" />;
  if (!session)
    return (
      <SignInScreen
        notice={
          keyRefused ? "The server no longer accepts the admin key this tab kept (it was changed). Sign in with the new key." : undefined
        }
        onSignedIn={(s) => {
          setKeyRefused(false);
          setSession(s);
        }}
      />
    );

  const active = (href: string) => (href === "/" ? loc.path === "/" : loc.path.startsWith(href));
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">
          leadgraph <span class="muted">console</span>
        </span>
        <nav aria-label="Console">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={active(n.href) ? "page" : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="link"
          onClick={() => {
            forgetKey();
            setSession(undefined);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Screen path={loc.path} query={loc.query} session={session} />
      </main>
    </div>
  );
}
