import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api.ts";

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs a load when its dependencies change; an older answer arriving late is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === seq.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => mine === seq.current && setState({ data: undefined, error, loading: false }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      {label}
    </p>
  );
}

/** An error from the server, or a plain note when this build lacks the endpoint. */
export function ErrorBox({ error, what }: { error: unknown; what?: string }) {
  if (error instanceof ApiError && error.unavailable) return <Unavailable what={what ?? error.path} path={error.path} />;
  const msg = error instanceof Error ? error.message : String(error);
  const code =
    error instanceof ApiError && error.graph
      ? ` (code ${error.graph.code}${error.graph.error_subcode ? `/${error.graph.error_subcode}` : ""})`
      : "";
  return (
    <div class="alert error" role="alert">
      {msg}
      {code}
    </div>
  );
}

export function Unavailable({ what, path }: { what: string; path: string }) {
  return (
    <div class="alert note" role="note">
      <strong>{what}</strong> is not available on this server: it does not answer <code>{path}</code> yet.
    </div>
  );
}

/** Renders data once loaded, the error or a loading line otherwise. */
export function Async<T>({ state, what, children }: { state: AsyncState<T>; what?: string; children: (data: T) => ComponentChildren }) {
  if (state.error !== undefined) return <ErrorBox error={state.error} {...(what ? { what } : {})} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}
