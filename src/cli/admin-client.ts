/** A minimal client of a running server's admin API, for CLI commands. */
export class AdminClient {
  readonly #url: string;
  readonly #key: string;
  constructor(url: string, key: string) {
    this.#url = url.replace(/\/+$/, "");
    this.#key = key;
  }

  async request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.#url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#key}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      throw new Error(`cannot reach ${this.#url} (is \`leadgraph serve\` running? set --url)`, { cause: e });
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path} answered ${res.status} with a body that is not JSON`);
    }
    const error = (parsed as { error?: { message?: string } }).error;
    if (!res.ok || error) throw new Error(`${method} ${path}: ${error?.message ?? `HTTP ${res.status}`}`);
    return parsed as T;
  }
}
