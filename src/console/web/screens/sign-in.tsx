import { useState } from "preact/hooks";
import { ApiError, type Session, signIn } from "../api.ts";

export function SignInScreen({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice?: string | undefined }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(key.trim()));
    } catch (err) {
      setError(
        err instanceof ApiError && err.badAdminKey
          ? "That admin key was refused. Use the key the server printed at start (or LEADGRAPH_ADMIN_KEY)."
          : `Could not sign in: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <form onSubmit={submit} aria-describedby={error ? "sign-in-error" : undefined}>
        <h1>leadgraph console</h1>
        <p class="muted">Sign in with the server's admin key. It is kept in this tab only (session storage).</p>
        {notice && !error && (
          <p class="alert" role="status">
            {notice}
          </p>
        )}
        <label for="admin-key">Admin key</label>
        <input
          id="admin-key"
          name="admin-key"
          type="password"
          autoComplete="off"
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-invalid={error ? "true" : undefined}
        />
        {error && (
          <p id="sign-in-error" class="alert error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || key.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
