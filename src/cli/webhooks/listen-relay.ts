import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { describeRefusal, OutboundPolicy } from "../../domain/webhooks/outbound-policy.ts";
import { outboundAgent } from "../../dispatcher/index.ts";
import { type AdminTarget, adminCall } from "./admin-client.ts";

export interface ListenOptions extends AdminTarget {
  forwardTo: string;
  appId?: string;
  /** Where lines go (stdout in the CLI). */
  print: (line: string) => void;
  forwardTimeoutMs?: number;
}

export interface Relay {
  appId: string;
  callbackUrl: string;
  /** Restores the subscription the relay replaced and stops the relay. */
  close(): Promise<void>;
}

const FORWARDED_HEADERS = ["content-type", "user-agent", "x-hub-signature", "x-hub-signature-256"] as const;

/**
 * `leadgraph listen`: a loopback receiver subscribed in place of the app's callback. Each POST is
 * printed and forwarded byte for byte with its signature headers; the relay answers the server
 * with the local endpoint's status (502 when unreachable), so the server's retries apply to it.
 */
export async function startRelay(opts: ListenOptions): Promise<Relay> {
  // The relay runs beside the developer's own endpoint: the sandbox policy (loopback and private
  // networks allowed; link-local, metadata, other schemes and credentials refused).
  const policy = OutboundPolicy.sandbox();
  const verdict = policy.checkUrl(opts.forwardTo);
  if (!verdict.ok) throw new Error(`--forward-to ${opts.forwardTo}: ${describeRefusal(verdict)}`);
  const agent = outboundAgent(policy, { keepAliveTimeout: 10_000 });
  const appId = opts.appId ?? (await pickApp(opts));
  const verifyToken = randomBytes(12).toString("hex");
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://relay");
      if (req.method === "GET") {
        const ok = url.searchParams.get("hub.mode") === "subscribe" && url.searchParams.get("hub.verify_token") === verifyToken;
        res
          .writeHead(ok ? 200 : 403, { "content-type": "text/plain" })
          .end(ok ? (url.searchParams.get("hub.challenge") ?? "") : "verify token mismatch");
        return;
      }
      void relay(Buffer.concat(chunks), req.headers).then((status) =>
        res.writeHead(status, { "content-type": "text/plain" }).end(String(status)),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/relay`;

  async function relay(raw: Buffer, headers: IncomingHttpHeaders): Promise<number> {
    let changes: { value: Record<string, unknown> }[] = [];
    try {
      changes = JSON.parse(raw.toString("utf8")).entry.flatMap((e: { changes: unknown[] }) => e.changes);
    } catch {
      // not a leadgen body; forwarded all the same
    }
    const fwd: Record<string, string> = {};
    for (const h of FORWARDED_HEADERS) if (typeof headers[h] === "string") fwd[h] = headers[h];
    let status: number;
    let outcome: string;
    try {
      const res = await request(opts.forwardTo, {
        method: "POST",
        body: raw,
        headers: fwd,
        signal: AbortSignal.timeout(opts.forwardTimeoutMs ?? 15_000),
        dispatcher: agent,
      });
      await res.body.dump();
      status = res.statusCode;
      outcome = `[${status}]`;
    } catch (e) {
      status = 502;
      outcome = `[forward failed: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}]`;
    }
    const time = new Date().toISOString().slice(11, 19);
    for (const c of changes) {
      const v = c.value;
      opts.print(
        `${time}  --> leadgen  lead ${String(v.leadgen_id)}  form ${String(v.form_id)}  page ${String(v.page_id)}${v.ad_id ? `  ad ${String(v.ad_id)}` : ""}  ${outcome} POST ${opts.forwardTo}`,
      );
    }
    if (changes.length === 0) opts.print(`${time}  --> POST (${raw.length} bytes)  ${outcome}`);
    return status;
  }

  let previous: { callback_url: string; verify_token: string; fields: string[]; active: boolean } | null;
  try {
    const res = await adminCall(opts, "POST", `/subscriptions/${encodeURIComponent(appId)}`, {
      callback_url: callbackUrl,
      verify_token: verifyToken,
      fields: ["leadgen"],
    });
    previous = res.previous;
  } catch (e) {
    await new Promise<void>((r) => server.close(() => r()));
    await agent.close().catch(() => undefined);
    throw e;
  }
  opts.print(`Ready! Forwarding leadgen webhooks of app ${appId} to ${opts.forwardTo} (relay ${callbackUrl}). Ctrl-C to stop.`);
  return {
    appId,
    callbackUrl,
    async close() {
      if (previous) {
        await adminCall(opts, "POST", `/subscriptions/${encodeURIComponent(appId)}`, {
          callback_url: previous.callback_url,
          verify_token: previous.verify_token,
          fields: previous.fields,
          skip_verification: true,
        });
      } else {
        await adminCall(opts, "DELETE", `/subscriptions/${encodeURIComponent(appId)}`);
      }
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await agent.close().catch(() => undefined);
    },
  };
}

async function pickApp(t: AdminTarget): Promise<string> {
  const subs = await adminCall(t, "GET", "/subscriptions");
  const ids: string[] = subs.data.map((s: { app_id: string }) => s.app_id);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw new Error("no app has a webhook subscription yet: pass --app <app id>");
  throw new Error(`several apps have subscriptions (${ids.join(", ")}): pass --app <app id>`);
}
