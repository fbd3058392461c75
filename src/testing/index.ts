/**
 * leadgraph/testing: leadgraph inside a test process. `startLeadgraph()` serves the Graph API, the
 * admin API and webhooks on a free loopback port, from an in-memory SQLite database (nothing is
 * written to disk), with a manual clock; `reset()` puts a world back between tests.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ManualClock } from "../domain/clock.ts";
import { parseDuration, parseTime } from "../domain/time.ts";
import { startDispatcher } from "../dispatcher/index.ts";
import { buildApp } from "../http/app.ts";
import { ServerHost } from "../http-kit/index.ts";
import { type ConfigInput, loadConfig } from "../runtime/config.ts";
import { createRuntime } from "../runtime/runtime.ts";
import { loadWorld, type WorldSummary } from "../world/load-world.ts";
import type { WorldInput } from "../world/world-schema.ts";

export type { WorldInput, WorldSummary };

export interface StartLeadgraphOptions {
  /** A world document, or the path of a world file (JSON). Without one the server starts empty. */
  world?: WorldInput | string;
  /** Where the manual clock starts: unix seconds, an ISO-8601 time or a Date. Default: now. */
  now?: number | string | Date;
  /** The admin key; generated when absent. */
  adminKey?: string;
  /** Run the webhook dispatcher (default true): subscribed apps receive signed leadgen webhooks. */
  webhooks?: boolean;
  /** Address to bind (default 127.0.0.1); the port is always a free one. */
  host?: string;
  /** Any other server setting (docs/deploy.md), e.g. `{ webhookLingerMs: 0 }`. */
  config?: ConfigInput;
}

export interface WorldToken {
  token: string;
  type: string;
  app_id: string;
  user_id?: string;
  page_id?: string;
  label?: string;
}

export interface NewTestLead {
  field_data: { name: string; values: string[] }[];
  ad_id?: string;
  platform?: string;
  created_time?: number | string;
  external_id?: string;
}

export interface LeadgraphClock {
  /** The server's time, unix seconds. */
  now(): number;
  /** Moves the clock to a time (unix seconds, ISO-8601 or a Date). */
  set(time: number | string | Date): Promise<void>;
  /** Moves the clock forward: seconds, or a duration such as `36h`, `90d`, `1h30m`. */
  advance(by: number | string): Promise<void>;
}

export interface RunningLeadgraph {
  /** `http://127.0.0.1:<port>`: the Graph API (`${url}/v25.0/…`), admin API, hosted forms, console. */
  url: string;
  adminKey: string;
  /** The tokens of the current world, as its file lists them. */
  tokens: WorldToken[];
  /** The text of the world's token with this label, or of the first token of this type or page. */
  token(which: { label?: string; type?: string; page_id?: string; user_id?: string }): string;
  clock: LeadgraphClock;
  /** Empties everything, puts the clock back where it started and loads `world` (the world it started with when absent). */
  reset(world?: WorldInput | string): Promise<WorldSummary | undefined>;
  /** Creates leads on a form through the admin API (webhooks fire); answers their ids. */
  createLead(formId: string, ...leads: NewTestLead[]): Promise<string[]>;
  /** The webhook delivery log, newest first (what `GET /_leadgraph/admin/webhooks/deliveries` lists). */
  deliveries(query?: Record<string, string>): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const toSeconds = (t: number | string | Date): number => {
  const at = t instanceof Date ? Math.floor(t.getTime() / 1000) : parseTime(t);
  if (at === undefined) throw new Error(`not a time: ${JSON.stringify(t)} (unix seconds, ISO-8601 or a Date)`);
  return at;
};

async function worldOf(world: WorldInput | string | undefined): Promise<WorldInput | undefined> {
  if (typeof world !== "string") return world;
  return JSON.parse(await readFile(world, "utf8")) as WorldInput;
}

const tokensOf = (world: WorldInput | undefined): WorldToken[] =>
  (world?.tokens ?? []).map((t) => ({
    token: t.token,
    type: t.type,
    app_id: t.app_id,
    ...(t.user_id ? { user_id: t.user_id } : {}),
    ...(t.page_id ? { page_id: t.page_id } : {}),
    ...(t.label ? { label: t.label } : {}),
  }));

/** Starts leadgraph in this process and answers once it is listening. */
export async function startLeadgraph(opts: StartLeadgraphOptions = {}): Promise<RunningLeadgraph> {
  let world = await worldOf(opts.world);
  const adminKey = opts.adminKey ?? `lgadm_${randomBytes(18).toString("base64url")}`;
  // One clock for the server's whole life: a reset builds a new runtime but keeps the time.
  const startMs = toSeconds(opts.now ?? new Date()) * 1000;
  const clock = new ManualClock(startMs);
  const config = loadConfig({
    port: 0,
    logLevel: "silent",
    ...opts.config,
    host: opts.host ?? "127.0.0.1",
    db: ":memory:",
    databaseUrl: undefined,
    adminKey,
    // In memory, sealed secrets die with the database, so a key made now is enough and no key file is written.
    secretKey: randomBytes(32).toString("base64url"),
    webhookDispatcher: opts.webhooks ?? true,
  });
  const host = await ServerHost.start({
    host: config.host,
    port: 0,
    build: async (publicUrl) => {
      const runtime = await createRuntime(config, { clock });
      try {
        if (config.webhookDispatcher) {
          const dispatcher = startDispatcher(runtime);
          runtime.onClose(() => dispatcher.stop());
        }
        return { runtime, app: await buildApp(runtime, { publicUrl }) };
      } catch (e) {
        await runtime.close();
        throw e;
      }
    },
  });
  try {
    if (world) await loadWorld(host.current.runtime.services, world);
  } catch (e) {
    await host.close();
    throw e;
  }
  const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${host.url}/_leadgraph/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`leadgraph admin ${method} ${path}: ${json?.error?.message ?? res.status}`);
    return json;
  };
  const control = () => host.current.runtime.clockControl;
  return {
    url: host.url,
    adminKey,
    get tokens() {
      return tokensOf(world);
    },
    token(which) {
      const found = tokensOf(world).find((t) => (Object.keys(which) as (keyof typeof which)[]).every((k) => t[k] === which[k]));
      if (!found) throw new Error(`the world has no token matching ${JSON.stringify(which)}`);
      return found.token;
    },
    clock: {
      now: () => Math.floor(clock.nowMs() / 1000),
      set: (t) => control().set(toSeconds(t) * 1000),
      advance: async (by) => {
        const seconds = typeof by === "number" ? by : parseDuration(by);
        if (seconds === undefined || seconds < 0)
          throw new Error(`not a duration: ${JSON.stringify(by)} (seconds, or like 36h, 90d, 1h30m)`);
        await control().advance(seconds * 1000);
      },
    },
    async reset(next) {
      if (next !== undefined) world = await worldOf(next);
      const summary = await host.reset(world ?? {});
      clock.set(startMs);
      return summary;
    },
    async createLead(formId, ...leads) {
      const out = await admin("POST", `/forms/${encodeURIComponent(formId)}/leads`, {
        leads: leads.length > 0 ? leads : [{ field_data: [] }],
      });
      return out.ids as string[];
    },
    async deliveries(query = {}) {
      const out = await admin("GET", `/webhooks/deliveries?${new URLSearchParams({ limit: "1000", ...query })}`);
      return out.data as Record<string, unknown>[];
    },
    close: () => host.close(),
  };
}
