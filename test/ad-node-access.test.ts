import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

describe.each(databaseKinds())("GET /{ad-id} when the page check fails (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());

  it("answers 190/492 to a page token whose user lost the page role, even if they advertise on the account", async () => {
    expect((await h.graph("GET", "/7001", { token: "EAAB-page-acme" })).status).toBe(200);
    // The role goes without the tokens being invalidated (as when a role is removed on Meta's side
    // and the token is used before Meta invalidates it).
    await h.runtime.services.store.directory.removePageRole("3001", "2001");
    const res = await h.graph("GET", "/7001", { token: "EAAB-page-acme" });
    expect(res.body.error).toMatchObject({ code: 190, error_subcode: 492 });
  });

  it("still shows the ad to the same person's user token through their ad account role", async () => {
    const res = await h.graph("GET", "/7001", { token: "EAAB-user-ann", query: { fields: "id,name" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "7001", name: "Test drive ad" });
  });
});

describe.each(databaseKinds())("DELETE /{lead-id} on a page the caller cannot see (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());

  it("names the delete method in the 100/33 message and deletes nothing", async () => {
    const res = await h.graph("DELETE", "/9001", { token: "EAAB-page-other" });
    expect(res.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect(res.body.error.message).toMatch(/^Unsupported delete request\. Object with ID '9001'/);
    expect((await h.graph("GET", "/9001", { token: "EAAB-page-acme" })).status).toBe(200);
  });
});
