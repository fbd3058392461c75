import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "./support/databases.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { exampleWorld } from "./support/worlds.ts";

describe.each(databaseKinds())("graph reads smoke (%s)", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { world: exampleWorld() });
  });
  afterAll(async () => h?.close());

  it("reads a lead with the seed document's default fields", async () => {
    const res = await h.graph("GET", "/v21.0/9001/", { token: "EAAB-page-acme" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      created_time: "2026-11-20T10:00:00+0000",
      id: "9001",
      ad_id: "7001",
      form_id: "8001",
      field_data: [
        { name: "utm_source", values: ["fb"] },
        { name: "full_name", values: ["Joe Example"] },
        { name: "car_make", values: ["honda"] },
      ],
    });
    expect(res.headers["facebook-api-version"]).toBe("v21.0");
  });

  it("answers 100/33 for another page's lead", async () => {
    const res = await h.graph("GET", "/9001", { token: "EAAB-page-other" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 100, error_subcode: 33, type: "GraphMethodException" });
  });
});
