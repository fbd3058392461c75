import { describe, expect, it } from "vitest";
import { allowlistProblem, classifyAddress, listensOnLoopbackOnly, OutboundPolicy } from "../src/domain/webhooks/outbound-policy.ts";
import { loadConfig } from "../src/runtime/config.ts";
import { outboundPolicyOf } from "../src/runtime/runtime.ts";

const network = new OutboundPolicy({ privateNetworks: "deny", denyReason: "this server serves a network" });
const sandbox = OutboundPolicy.sandbox();

describe("the outbound policy's rules (pure)", () => {
  it.each([
    // every spelling of loopback the URL parser and ipaddr.js normalise
    ["http://127.0.0.1:9/x", "loopback"],
    ["http://127.1:9/x", "loopback"],
    ["http://2130706433:9/x", "loopback"],
    ["http://0x7f.1:9/x", "loopback"],
    ["http://0177.0.0.1:9/x", "loopback"],
    ["http://127.255.255.254/", "loopback"],
    ["http://[::1]:9/x", "loopback"],
    ["http://[::ffff:127.0.0.1]:9/x", "loopback"],
    ["http://[::ffff:7f00:1]/", "loopback"],
    ["http://[0:0:0:0:0:ffff:127.0.0.1]/", "loopback"],
    ["http://[64:ff9b::127.0.0.1]/", "loopback"],
    ["http://[2002:7f00:1::]/", "loopback"],
    ["http://[::127.0.0.1]/", "loopback"],
    ["http://0.0.0.0:9/", "unspecified"],
    ["http://0/", "unspecified"],
    ["http://[::]:9/", "unspecified"],
    ["http://10.0.0.1/", "private"],
    ["http://172.16.5.4/", "private"],
    ["http://192.168.1.1/", "private"],
    ["http://100.64.0.1/", "private"],
    ["http://[fc00::1]/", "private"],
    ["http://[fd12:3456::1]/", "private"],
    ["http://[::ffff:10.1.2.3]/", "private"],
    ["http://240.0.0.1/", "reserved"],
    ["http://224.0.0.1/", "reserved"],
    ["http://255.255.255.255/", "reserved"],
  ])("%s is refused by rule %s when the server serves a network, allowed in the sandbox", (url, rule) => {
    const v = network.checkUrl(url);
    expect(v).toMatchObject({ ok: false, rule });
    if (!v.ok) expect(v.reason).toContain("this server serves a network");
    expect(sandbox.checkUrl(url)).toEqual({ ok: true });
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://169.254.170.2/v2/credentials", "link-local"],
    ["http://[fe80::1]/", "link-local"],
    ["http://[::ffff:169.254.169.254]/", "link-local"],
    ["http://[::ffff:a9fe:a9fe]/", "link-local"],
    ["http://2852039166/", "link-local"],
    ["http://[fd00:ec2::254]/", "metadata"],
    ["http://100.100.100.200/", "metadata"],
    ["http://192.0.0.192/", "metadata"],
  ])("%s is refused by rule %s even in the sandbox", (url, rule) => {
    expect(network.checkUrl(url)).toMatchObject({ ok: false, rule });
    const v = sandbox.checkUrl(url);
    expect(v).toMatchObject({ ok: false, rule });
    if (!v.ok) expect(v.reason).toContain("never called unless allowlisted");
  });

  it.each([
    ["ftp://example.com/", "scheme"],
    ["file:///etc/passwd", "scheme"],
    ["gopher://127.0.0.1:6379/_", "scheme"],
    ["javascript:alert(1)", "scheme"],
    ["not a url", "scheme"],
    ["http://user:pw@example.com/", "credentials"],
    ["https://token@example.com/", "credentials"],
  ])("%s is refused by rule %s everywhere", (url, rule) => {
    expect(network.checkUrl(url)).toMatchObject({ ok: false, rule });
    expect(sandbox.checkUrl(url)).toMatchObject({ ok: false, rule });
  });

  it("public addresses and host names pass the URL check (names are checked when resolved)", () => {
    for (const url of [
      "https://crm.example.com/hook",
      "http://8.8.8.8/",
      "https://[2606:4700::1111]/",
      "http://[::ffff:8.8.8.8]/",
      "http://localhost:9/",
    ]) {
      expect(network.checkUrl(url), url).toEqual({ ok: true });
    }
  });

  it("a host name is judged by the addresses it resolves to, and the refusal does not print them", () => {
    const v = network.checkAddress("127.0.0.1", "localhost");
    expect(v).toMatchObject({ ok: false, rule: "loopback" });
    if (!v.ok) expect(v.reason).toBe("localhost resolves to a loopback address, refused: this server serves a network");
    expect(network.checkAddress("93.184.215.14", "example.com")).toEqual({ ok: true });
  });

  it("an allowlist lets CIDR ranges, addresses and host names through, metadata included", () => {
    const p = new OutboundPolicy({
      privateNetworks: "deny",
      allow: "10.1.0.0/16, 127.0.0.2, hooks.internal, *.corp.example, 169.254.169.254/32",
    });
    expect(p.checkUrl("http://10.1.200.3/")).toEqual({ ok: true });
    expect(p.checkUrl("http://[::ffff:10.1.0.9]/")).toEqual({ ok: true });
    expect(p.checkUrl("http://10.2.0.1/")).toMatchObject({ ok: false, rule: "private" });
    expect(p.checkUrl("http://127.0.0.2/")).toEqual({ ok: true });
    expect(p.checkUrl("http://127.0.0.1/")).toMatchObject({ ok: false, rule: "loopback" });
    expect(p.checkUrl("http://169.254.169.254/")).toEqual({ ok: true });
    expect(p.checkAddress("10.9.9.9", "hooks.internal")).toEqual({ ok: true });
    expect(p.checkAddress("10.9.9.9", "HOOKS.internal.")).toEqual({ ok: true });
    expect(p.checkAddress("10.9.9.9", "a.b.corp.example")).toEqual({ ok: true });
    expect(p.checkAddress("10.9.9.9", "corp.example.evil")).toMatchObject({ ok: false, rule: "private" });
    expect(p.checkAddress("10.9.9.9", "notcorp.example")).toMatchObject({ ok: false, rule: "private" });
  });

  it("an allowlist entry that is neither a range, an address nor a host name is a configuration error", () => {
    expect(allowlistProblem("10.0.0.0/8,hooks.internal,*.corp.example,::1")).toBeUndefined();
    expect(allowlistProblem("10.0.0.0/33")).toMatch(/not a CIDR range/);
    expect(allowlistProblem("http://x")).toMatch(/not a CIDR range/);
    expect(allowlistProblem("hooks.internal:8080")).toMatch(/neither/);
    expect(allowlistProblem("*")).toMatch(/neither/);
  });

  it("classifies canonical forms and says which IPv4 address an IPv6 form carries", () => {
    expect(classifyAddress("::ffff:127.0.0.1")).toEqual({ rule: "loopback", address: "::ffff:7f00:1", embeddedIpv4: "127.0.0.1" });
    expect(classifyAddress("[::1]")).toEqual({ rule: "loopback", address: "::1" });
    expect(classifyAddress("8.8.8.8")).toEqual({ rule: undefined, address: "8.8.8.8" });
    expect(() => classifyAddress("example.com")).toThrow();
  });

  it("a server listening on loopback only is a sandbox; any other listen address serves a network", () => {
    for (const h of ["127.0.0.1", "127.0.0.5", "::1", "localhost", "LOCALHOST."]) expect(listensOnLoopbackOnly(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.4", "192.168.1.2", "leadgraph.internal"]) expect(listensOnLoopbackOnly(h), h).toBe(false);
  });
});

describe("the policy a configuration asks for", () => {
  const mode = (c: Parameters<typeof loadConfig>[0]) => outboundPolicyOf(loadConfig(c)).privateNetworks;

  it("auto allows private networks only to a local sandbox: listening on loopback and not published elsewhere", () => {
    expect(mode({})).toBe("allow");
    expect(mode({ host: "localhost", publicUrl: "http://127.0.0.1:8080" })).toBe("allow");
    expect(mode({ host: "0.0.0.0" })).toBe("deny");
    expect(mode({ host: "::" })).toBe("deny");
    // behind a reverse proxy on the same host: loopback listener, public URL
    expect(mode({ host: "127.0.0.1", publicUrl: "https://leads.example.com" })).toBe("deny");
  });

  it("an explicit switch wins over the listen address, and the refusal says why", () => {
    expect(mode({ host: "0.0.0.0", outboundPrivateNetworks: "allow" })).toBe("allow");
    expect(mode({ outboundPrivateNetworks: "deny" })).toBe("deny");
    const published = outboundPolicyOf(loadConfig({ publicUrl: "https://leads.example.com/base" })).checkUrl("http://10.0.0.1/");
    expect(published).toMatchObject({
      ok: false,
      rule: "private",
      reason:
        "10.0.0.1 is a private address, refused: this server is published at https://leads.example.com; LEADGRAPH_OUTBOUND_ALLOW lists exceptions",
    });
  });
});
