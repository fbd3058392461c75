import { describe, expect, it } from "vitest";
import { FormTokens } from "../src/hosted-form/csrf.ts";
import { escapeHtml, html } from "../src/hosted-form/html.ts";
import { validCpf, validNationalId, validRut } from "../src/hosted-form/national-ids.ts";
import { generateLead, seededRandom } from "../src/cli/answer-generator.ts";

describe("hosted form building blocks", () => {
  it("escapes every interpolated value, attributes included", () => {
    const evil = `"><script>alert('x')</script>&`;
    expect(html`<input value="${evil}">`.value).toBe('<input value="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">');
    expect(html`<ul>${["<a>", html`<li>${"<b>"}</li>`]}</ul>`.value).toBe("<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul>");
    expect(escapeHtml("`")).toBe("&#96;");
  });

  it("checks CPF and RUT check digits and the other ID formats", () => {
    expect(validCpf("52998224725")).toBe(true);
    expect(validCpf("52998224726")).toBe(false);
    expect(validCpf("11111111111")).toBe(false);
    expect(validNationalId("ID_CPF", "529.982.247-25")).toBe(true);
    expect(validRut("12.345.678-5")).toBe(true);
    expect(validRut("12.345.678-K")).toBe(false);
    expect(validNationalId("ID_AR_DNI", "30.123.456")).toBe(true);
    expect(validNationalId("ID_PE_DNI", "1234567")).toBe(false);
    expect(validNationalId("ID_EC_CI", "1710034065")).toBe(true);
    expect(validNationalId("ID_MX_RFC", "GODE561231GR8")).toBe(true);
    expect(validNationalId("ID_MX_RFC", "GODE56")).toBe(false);
  });

  it("binds tokens to the form and the time", () => {
    const tokens = new FormTokens("secret");
    const t = tokens.issue("8001", 1000);
    expect(tokens.verify("8001", t, 1000)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(tokens.verify("8002", t, 1000)).toBeUndefined();
    expect(tokens.verify("8001", t, 1000 + 24 * 3600 + 1)).toBeUndefined();
    expect(new FormTokens("other").verify("8001", t, 1000)).toBeUndefined();
    expect(tokens.verify("8001", t.replace(/\.\d+\./, ".1001."), 1000)).toBeUndefined();
  });

  it("generates valid answers for generated national IDs and choices, reproducibly", () => {
    const form = {
      id: "1",
      locale: "pt_BR",
      page_locations: [{ store_number: "s1", city: "X" }],
      questions: [
        { key: "id_cpf", type: "ID_CPF" },
        { key: "c", type: "CUSTOM", options: [{ key: "a", value: "A" }] },
        { key: "s", type: "STORE_LOOKUP" },
      ],
    };
    const a = generateLead(form, seededRandom(1));
    expect(generateLead(form, seededRandom(1))).toEqual(a);
    expect(validCpf(a.field_data[0]!.values[0]!)).toBe(true);
    expect(a.field_data.slice(1)).toEqual([
      { name: "c", values: ["a"] },
      { name: "s", values: ["s1"] },
    ]);
  });
});
