import { Command, Option } from "commander";

export interface CliOutput {
  out(text: string): void;
}

const stdout: CliOutput = { out: (t) => void process.stdout.write(t) };

interface Remote {
  url: string;
  adminKey: string;
}

/** Calls the admin API of a running server; Graph-shaped errors become one readable line. */
async function call(remote: Remote, method: string, path: string, body?: unknown): Promise<any> {
  const target = /^https?:\/\//.test(path) ? path : `${remote.url.replace(/\/+$/, "")}/_leadgraph/admin${path}`;
  let res: Response;
  try {
    res = await fetch(target, {
      method,
      headers: { authorization: `Bearer ${remote.adminKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new Error(`cannot reach ${remote.url} (is \`leadgraph serve\` running?)`, { cause: e });
  }
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`unexpected answer from ${target} (HTTP ${res.status})`);
  }
  if (!res.ok) {
    const err = json?.error;
    throw new Error(
      err
        ? `${err.message} (code ${err.code}${err.error_subcode ? `/${err.error_subcode}` : ""}, HTTP ${res.status})`
        : `HTTP ${res.status}`,
    );
  }
  return json;
}

function remoteOf(cmd: Command): Remote {
  const o = cmd.optsWithGlobals<{ url?: string; adminKey?: string }>();
  if (!o.adminKey) throw new Error("the admin key is required: --admin-key <key> or LEADGRAPH_ADMIN_KEY (printed by `leadgraph serve`)");
  return { url: o.url ?? "http://127.0.0.1:8080", adminKey: o.adminKey };
}

const when = (t: number): string => (t === 0 ? "never" : new Date(t * 1000).toISOString().replace(".000Z", "Z"));

/** `leadgraph token create|list|revoke|debug`, through a running server's admin API (never the database). */
export function tokenCommand(io: CliOutput = stdout): Command {
  const token = new Command("token")
    .description("issue, list, revoke and inspect access tokens on a running server")
    .addOption(new Option("--url <url>", "server base URL").env("LEADGRAPH_URL").default("http://127.0.0.1:8080"))
    .addOption(new Option("--admin-key <key>", "admin API key").env("LEADGRAPH_ADMIN_KEY"));

  token
    .command("create")
    .description("issue a token; prints the token text (shown only this once)")
    .addOption(new Option("--type <type>", "token kind").choices(["USER", "PAGE", "APP", "SYSTEM_USER"]).makeOptionMandatory())
    .requiredOption("--app <id>", "app id")
    .option("--user <id>", "user id (USER, PAGE, SYSTEM_USER)")
    .option("--page <id>", "page id (PAGE)")
    .option("--scopes <list>", "comma-separated permissions, e.g. leads_retrieval,pages_show_list")
    .option("--expires-in <seconds|never>", "lifetime; default is the kind's own (USER 1h, long-lived 60d, PAGE per its user token)")
    .option("--long-lived", "a long-lived USER token (60 days) or a never-expiring PAGE token")
    .option("--label <text>", "a note shown in lists")
    .option("--json", "print the whole answer as JSON")
    .action(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const body: Record<string, unknown> = { type: o.type, app_id: o.app };
      if (o.user) body.user_id = o.user;
      if (o.page) body.page_id = o.page;
      if (typeof o.scopes === "string")
        body.scopes = o.scopes
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
      if (typeof o.expiresIn === "string") {
        if (o.expiresIn === "never") body.expires_in = "never";
        else if (/^\d+$/.test(o.expiresIn)) body.expires_in = Number(o.expiresIn);
        else throw new Error(`--expires-in must be a number of seconds or "never" - got "${o.expiresIn}"`);
      }
      if (o.longLived) body.long_lived = true;
      if (typeof o.label === "string") body.label = o.label;
      const res = await call(remoteOf(cmd), "POST", "/tokens", body);
      io.out(o.json ? `${JSON.stringify(res, null, 2)}\n` : `${res.access_token}\n`);
    });

  token
    .command("list")
    .description("list tokens (never their text)")
    .option("--app <id>")
    .option("--user <id>")
    .option("--page <id>")
    .addOption(new Option("--type <type>").choices(["USER", "PAGE", "APP", "SYSTEM_USER"]))
    .option("--json", 'print one JSON document: {"data": [tokens]}')
    .action(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const remote = remoteOf(cmd);
      const qs = new URLSearchParams({ limit: "200" });
      if (o.app) qs.set("app_id", String(o.app));
      if (o.user) qs.set("user_id", String(o.user));
      if (o.page) qs.set("page_id", String(o.page));
      if (o.type) qs.set("type", String(o.type));
      let next: string | undefined = `/tokens?${qs.toString()}`;
      if (!o.json) io.out("ID\tTYPE\tAPP\tUSER\tPAGE\tEXPIRES\tVALID\tPREFIX\tLABEL\n");
      const all: unknown[] = [];
      while (next) {
        const res: any = await call(remote, "GET", next);
        for (const t of res.data) {
          if (o.json) all.push(t);
          else
            io.out(
              `${[t.id, t.type, t.app_id, t.user_id ?? "-", t.page_id ?? "-", when(t.expires_at), t.is_valid ? "yes" : `no (${t.invalidated_subcode})`, t.display_prefix, t.label ?? ""].join("\t")}\n`,
            );
        }
        next = res.paging?.next;
      }
      if (o.json) io.out(`${JSON.stringify({ data: all })}\n`);
    });

  token
    .command("revoke")
    .description("revoke a token by id: later calls answer 190/467")
    .argument("<id>", "token id (from `token list`)")
    .option("--json", "print the server's answer as one JSON document")
    .action(async (id: string, o: { json?: boolean }, cmd: Command) => {
      if (!/^\d{1,20}$/.test(id)) throw new Error(`token id must be numeric (see \`leadgraph token list\`) - got "${id.slice(0, 30)}"`);
      const res = await call(remoteOf(cmd), "DELETE", `/tokens/${id}`);
      if (o.json) return io.out(`${JSON.stringify({ id, ...res })}\n`);
      io.out(res.revoked ? `revoked ${id}\n` : `token ${id} was already invalid (subcode ${res.already_invalid_subcode})\n`);
    });

  token
    .command("debug")
    .description("show what a token is (debug_token view): kind, app, user, page, scopes, expiry, validity")
    .argument("<token>", "the token text")
    .option("--json", "print the debug_token view as one JSON document (the default for this command)")
    .action(async (text: string, _o: unknown, cmd: Command) => {
      const res = await call(remoteOf(cmd), "POST", "/tokens/debug", { access_token: text });
      io.out(`${JSON.stringify(res.data, null, 2)}\n`);
    });

  return token;
}
