/** A failed command's error in words that say what to change; unknown errors keep their own message. */
export function explainCliError(e: unknown): string {
  const err = e as { code?: unknown; port?: unknown; address?: unknown; message?: unknown };
  if (err?.code === "EADDRINUSE") {
    const where = typeof err.address === "string" && typeof err.port === "number" ? `${err.address}:${err.port}` : "the address";
    return `${where} is already in use by another process (another leadgraph?): choose a free port with --port or LEADGRAPH_PORT (--port 0 picks one), or stop the other process`;
  }
  if (err?.code === "EACCES" && typeof err.port === "number") {
    return `not allowed to listen on port ${err.port}: ports below 1024 need privileges; choose another with --port or LEADGRAPH_PORT`;
  }
  return e instanceof Error ? e.message : String(e);
}
