import { createServer } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSyncConfig, type SyncConfigInput, type SyncLog, SyncService } from "../../src/sync/index.ts";
import { databaseKinds } from "../support/databases.ts";
import type { Harness } from "../support/harness.ts";
import { SyncProcess, waitFor } from "../support/sync/sync-process.ts";
import { APP_SECRET, createLeads, PAGE_TOKEN, serverLeads, syncDatabase, syncServerPerSuite } from "../support/sync/sync-fixtures.ts";

const OTHER_PAGE_TOKEN = "EAAB-page-other";

function captureLog(): SyncLog & { lines: { level: string; msg: string; obj: any }[] } {
  const lines: { level: string; msg: string; obj: any }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: () => undefined };
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.each(databaseKinds())("leadgraph sync tells what is wrong and how far it is (sync database: %s)", (kind) => {
  const { harness, cleanups } = syncServerPerSuite();
  let h!: Harness;
  beforeAll(() => void (h = harness()));

  async function inProcess(extra: Partial<SyncConfigInput>, opts: { waitForFix?: boolean; progressEveryMs?: number } = {}) {
    const { db, config } = await syncDatabase(kind);
    const log = captureLog();
    const service = new SyncService(
      loadSyncConfig({
        pages: [{ id: "3001" }],
        accessToken: PAGE_TOKEN,
        appSecret: APP_SECRET,
        webhooks: false,
        baseUrl: h.url,
        port: 0,
        reconcileInterval: 3600,
        overlap: 120,
        maxBackoffMs: 200,
        logLevel: "silent",
        ...config,
        ...extra,
      }),
      log,
      opts,
    );
    await service.start();
    cleanups.push(
      () => db.drop(),
      () => service.stop(),
    );
    return { service, log };
  }

  async function cli(args: string[]) {
    const { db, config } = await syncDatabase(kind);
    cleanups.push(() => db.drop());
    const p = new SyncProcess([
      "--page",
      "3001",
      "--no-webhooks",
      "--base-url",
      h.url,
      "--port",
      "0",
      "--log-level",
      "info",
      ...(config.databaseUrl ? ["--database-url", config.databaseUrl] : ["--db", config.db!]),
      ...args,
    ]);
    cleanups.push(() => p.kill());
    return p;
  }

  it("a wrong app secret is named as such and exits 3", async () => {
    const p = await cli(["--access-token", PAGE_TOKEN, "--app-id", "1001", "--app-secret", "not-the-secret"]);
    expect(await p.exited).toBe(3);
    expect(p.stderr).toMatch(/Invalid appsecret_proof provided/);
    expect(p.stderr).toMatch(/the app secret \(--app-secret\) does not match the app of the token/);
    expect(p.stderr).toMatch(/stopping with exit code 3/);
    // The app token refused by debug_token is not blamed on the page token.
    expect(p.stderr).not.toMatch(/is INVALID/);
  }, 60_000);

  it("an invalid token exits 4; with --wait-for-fix it keeps running and says so on /status", async () => {
    const gone = await cli(["--access-token", "EAAB-no-such-token", "--app-secret", APP_SECRET]);
    expect(await gone.exited).toBe(4);
    expect(gone.stderr).toMatch(/access token for page 3001 is INVALID \(Graph 190/);
    expect(gone.stderr).toMatch(/create a new long-lived page token/);

    const waiting = await cli(["--access-token", "EAAB-no-such-token", "--app-secret", APP_SECRET, "--wait-for-fix"]);
    await waiting.ready;
    await waitFor(async () => (await waiting.status()).tokens["3001"]?.state === "invalid", 60_000, "token reported invalid");
    const st = await waiting.status();
    expect(st.problems).toEqual([expect.objectContaining({ kind: "token-invalid", pageId: "3001", needsPerson: true })]);
    expect(st.tokens["3001"].action).toMatch(/create a new long-lived page token/);
    await waitFor(() => /waiting \(--wait-for-fix\)/.test(waiting.stderr), 10_000, "wait logged");
    expect((await fetch(`${waiting.url}/healthz`)).status).toBe(200);
    expect(await waiting.kill("SIGTERM")).toBe(0);
  }, 120_000);

  it("another page's token says it cannot read the page, and what token to use", async () => {
    const { service, log } = await inProcess({ accessToken: OTHER_PAGE_TOKEN }, { waitForFix: true });
    await waitFor(() => service.reconciler.last !== undefined, 60_000, "reconciliation");
    const st = (await service.status()) as any;
    expect(st.tokens["3001"].state).toBe("no-access");
    expect(st.tokens["3001"].message).toMatch(
      /listing forms of page 3001: the token given for page 3001 cannot read it \(Graph 100\/33: Unsupported get request/,
    );
    expect(st.tokens["3001"].action).toMatch(/use a page token of page 3001 itself .*leads_retrieval/);
    expect(log.lines.some((l) => l.level === "error" && /cannot read it/.test(l.msg) && /Leads Access Manager/.test(l.msg))).toBe(true);
    expect(log.lines.some((l) => /reconciling the forms already known/i.test(l.msg))).toBe(false);
  }, 60_000);

  it("a Graph server that cannot be reached is named with its URL", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { service, log } = await inProcess({ baseUrl: url, maxRetries: 1, maxBackoffMs: 50 });
    await waitFor(() => service.reconciler.last !== undefined, 60_000, "reconciliation");
    expect(log.lines.some((l) => l.level === "warn" && l.msg.includes(`cannot reach ${url}`) && /check --base-url/.test(l.msg))).toBe(true);
    expect(service.reconciler.last?.errors.join(" ")).toContain(`cannot reach ${url}`);
    // Not a person's problem: the service keeps going and does not give up.
    expect(service.problems()).toEqual([]);
  }, 60_000);

  it("a catch-up logs done/total per form with rate and ETA, and ends with a summary", async () => {
    await createLeads(h, 3000, "progress");
    const total = (await serverLeads(h)).size;
    const { service, log } = await inProcess({ pageSize: 100 }, { progressEveryMs: 1 });
    await waitFor(() => service.reconciler.last !== undefined, 120_000, "catch-up");
    const lines = log.lines.filter((l) => l.obj.progress);
    const during = lines.filter((l) => /leads\/s/.test(l.msg));
    expect(during.length).toBeGreaterThan(5);
    for (const l of during)
      expect(l.msg).toMatch(
        new RegExp(`^form 8001 \\(page 3001\\): [\\d,]+/${total.toLocaleString("en-US")} leads \\(\\d+%\\), [\\d,]+ leads/s, ETA \\d`),
      );
    const done = during.map((l) => l.obj.progress.done as number);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(during.at(-1)!.obj.progress).toMatchObject({ formId: "8001", pageId: "3001", total });
    expect(lines.at(-1)!.msg).toMatch(new RegExp(`^form 8001 \\(page 3001\\): read to the end, ${total.toLocaleString("en-US")} leads in`));
    expect(((await service.status()) as any).reconcile.progress).toEqual([]);
  }, 180_000);
});
