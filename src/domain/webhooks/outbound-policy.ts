import ipaddr from "ipaddr.js";

/**
 * Which URLs the server may call (subscription handshakes, webhook deliveries, `listen` relays):
 * pure rules over a URL and over the addresses its host resolved to. The connecting code asks
 * `checkAddress` for every address a lookup answered and connects only to addresses that passed,
 * so a second lookup (DNS rebinding) never decides where a request goes.
 *
 * Address arithmetic is ipaddr.js's (parsing every IPv4/IPv6 spelling, special ranges); the
 * grouping of its ranges into rules is ours.
 */

/** The rule that refused a target; named in every refusal. */
export type OutboundRule =
  "scheme" | "credentials" | "host" | "link-local" | "metadata" | "loopback" | "private" | "unspecified" | "reserved";

/** Refused whatever the private-networks setting: only an allowlist entry lets these through. */
const ALWAYS_REFUSED: ReadonlySet<OutboundRule> = new Set(["link-local", "metadata"]);
/** Refused when the server serves a network (or `deny`); allowed in a loopback-only sandbox. */
const PRIVATE_RULES: ReadonlySet<OutboundRule> = new Set(["loopback", "private", "unspecified", "reserved"]);

/**
 * Cloud metadata services outside 169.254.0.0/16 (which link-local already covers): Alibaba
 * (100.100.100.200, inside CGNAT), Oracle (192.0.0.192), AWS's IPv6 services (fd00:ec2::/32, inside
 * the unique-local range). Listed so they stay refused when private networks are allowed.
 */
const METADATA_RANGES: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][] = [
  ipaddr.parseCIDR("100.100.100.200/32"),
  ipaddr.parseCIDR("192.0.0.192/32"),
  ipaddr.parseCIDR("fd00:ec2::/32"),
];

const IPV4_RULES: Partial<Record<ReturnType<ipaddr.IPv4["range"]>, OutboundRule>> = {
  unspecified: "unspecified",
  linkLocal: "link-local",
  loopback: "loopback",
  private: "private",
  carrierGradeNat: "private",
  broadcast: "reserved",
  multicast: "reserved",
  reserved: "reserved",
  benchmarking: "reserved",
};

const IPV6_RULES: Partial<Record<ReturnType<ipaddr.IPv6["range"]> | "deprecatedSiteLocal" | "discard" | "deprecatedOrchid", OutboundRule>> =
  {
    unspecified: "unspecified",
    linkLocal: "link-local",
    loopback: "loopback",
    uniqueLocal: "private",
    deprecatedSiteLocal: "private",
    multicast: "reserved",
    reserved: "reserved",
    benchmarking: "reserved",
    discard: "reserved",
    teredo: "reserved",
    orchid2: "reserved",
    deprecatedOrchid: "reserved",
    droneRemoteIdProtocolEntityTags: "reserved",
  };

export interface AddressClass {
  /** The rule the address falls under; undefined for a public unicast address. */
  rule: OutboundRule | undefined;
  /** Canonical text of the address (IPv4 dotted quad, IPv6 RFC 5952). */
  address: string;
  /** The IPv4 address an IPv6 form carries (mapped, NAT64, 6to4, compatible), classified in its place. */
  embeddedIpv4?: string;
}

/** The IPv4 address an IPv6 address carries in a form that can reach it, if any. */
function embeddedIpv4(a: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = a.parts;
  const fromParts = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const range = a.range() as string;
  if (range === "ipv4Mapped" || range === "rfc6145") return fromParts(p[6]!, p[7]!);
  // NAT64 well-known prefix 64:ff9b::/96 (the local-use 64:ff9b:1::/48 is private by definition).
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0) return fromParts(p[6]!, p[7]!);
  if (range === "6to4") return fromParts(p[1]!, p[2]!);
  // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it).
  if (p.slice(0, 6).every((x) => x === 0) && (p[6]! !== 0 || p[7]! > 1)) return fromParts(p[6]!, p[7]!);
  return undefined;
}

function classifyParsed(a: ipaddr.IPv4 | ipaddr.IPv6): OutboundRule | undefined {
  if (METADATA_RANGES.some(([net, bits]) => a.kind() === net.kind() && a.match(net, bits))) return "metadata";
  if (a.kind() === "ipv4") return IPV4_RULES[(a as ipaddr.IPv4).range()];
  const v6 = a as ipaddr.IPv6;
  if (v6.parts[0] === 0x64 && v6.parts[1] === 0xff9b && v6.parts[2] === 1) return "private";
  return IPV6_RULES[v6.range() as keyof typeof IPV6_RULES];
}

/** Classifies one IP address (any spelling ipaddr.js parses); throws on something that is not one. */
export function classifyAddress(text: string): AddressClass {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === "ipv4") return { rule: classifyParsed(parsed), address: parsed.toString() };
  const v6 = parsed as ipaddr.IPv6;
  const address = v6.toRFC5952String();
  const inner = embeddedIpv4(v6);
  if (inner) return { rule: classifyParsed(inner) ?? classifyParsed(v6), address, embeddedIpv4: inner.toString() };
  return { rule: classifyParsed(v6), address };
}

export const isIpLiteral = (host: string): boolean => {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare);
};

type AllowEntry =
  | { kind: "cidr"; net: ipaddr.IPv4 | ipaddr.IPv6; bits: number; text: string }
  | { kind: "host"; name: string; text: string }
  | { kind: "suffix"; suffix: string; text: string };

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const normaliseHost = (h: string): string => h.toLowerCase().replace(/\.$/, "");

function parseAllowEntry(raw: string): AllowEntry {
  const text = raw.trim();
  if (text.includes("/")) {
    if (!ipaddr.isValidCIDR(text)) throw new Error(`"${text}" is not a CIDR range (e.g. 10.1.0.0/16, fd12::/64)`);
    const [net, bits] = ipaddr.parseCIDR(text);
    return { kind: "cidr", net, bits, text };
  }
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare)) {
    const a = ipaddr.parse(bare);
    return { kind: "cidr", net: a, bits: a.kind() === "ipv4" ? 32 : 128, text };
  }
  const name = normaliseHost(text);
  if (name.startsWith("*.") && HOSTNAME.test(name.slice(2))) return { kind: "suffix", suffix: name.slice(1), text };
  if (HOSTNAME.test(name) && !/^[0-9.]+$/.test(name)) return { kind: "host", name, text };
  throw new Error(`"${text}" is neither a CIDR range, an IP address nor a host name (hooks.internal, *.corp.example)`);
}

/** Parses a comma-separated allowlist; throws naming the first entry that is not a CIDR, address or host. */
export function parseAllowlist(list: string | readonly string[]): AllowEntry[] {
  const items = typeof list === "string" ? list.split(",") : list;
  return items
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(parseAllowEntry);
}

/** Why an allowlist cannot be used, or undefined (configuration validation). */
export function allowlistProblem(list: string): string | undefined {
  try {
    parseAllowlist(list);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Whether a listen address accepts connections from this machine only (`127.0.0.1`, `::1`, `localhost`). */
export function listensOnLoopbackOnly(host: string): boolean {
  const h = normaliseHost(host.trim());
  if (h === "localhost") return true;
  try {
    return classifyAddress(h).rule === "loopback";
  } catch {
    return false;
  }
}

export type OutboundVerdict = { ok: true } | { ok: false; rule: OutboundRule; reason: string };

/** Resolves a host name to every address it has (injected: the system resolver, or a test's). */
export type HostResolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export interface OutboundPolicyOptions {
  /** Loopback, private, unspecified and reserved addresses: callable (`allow`) or refused (`deny`). */
  privateNetworks: "allow" | "deny";
  /** CIDR ranges, addresses and host names (`*.suffix`) called whatever the rules above say. */
  allow?: string | readonly string[];
  /** Why private networks are refused, for the refusal message (`this server listens on 0.0.0.0`). */
  denyReason?: string;
  resolver?: HostResolver;
}

/** The outbound policy of one server: every URL it calls is checked here, and every address it connects to. */
export class OutboundPolicy {
  readonly privateNetworks: "allow" | "deny";
  readonly resolver: HostResolver | undefined;
  readonly #allow: AllowEntry[];
  readonly #denyReason: string;

  constructor(o: OutboundPolicyOptions) {
    this.privateNetworks = o.privateNetworks;
    this.#allow = parseAllowlist(o.allow ?? []);
    this.#denyReason = o.denyReason ?? "this server does not call private networks";
    this.resolver = o.resolver;
  }

  /** The local sandbox's policy: everything but link-local and metadata addresses. */
  static sandbox(resolver?: HostResolver): OutboundPolicy {
    return new OutboundPolicy({ privateNetworks: "allow", ...(resolver ? { resolver } : {}) });
  }

  /** Whether a host name is allowlisted by name (its addresses are then not checked). */
  hostAllowed(hostname: string): boolean {
    const h = normaliseHost(hostname);
    return this.#allow.some((e) => (e.kind === "host" ? e.name === h : e.kind === "suffix" ? h.endsWith(e.suffix) : false));
  }

  /**
   * What can be decided from the URL alone: scheme, credentials, a literal address. A host name
   * passes here; its addresses are checked when it is resolved for a connection.
   */
  checkUrl(url: string | URL): OutboundVerdict {
    let u: URL;
    try {
      u = typeof url === "string" ? new URL(url) : url;
    } catch {
      return refuse("scheme", "the callback URL is not an absolute http or https URL");
    }
    if (u.protocol !== "http:" && u.protocol !== "https:")
      return refuse("scheme", `only http and https URLs are called, not ${u.protocol.replace(/:$/, "")}`);
    if (u.username !== "" || u.password !== "") return refuse("credentials", "the URL carries a user name or password");
    if (u.hostname === "") return refuse("host", "the URL has no host");
    // WHATWG URL parsing already turned 127.1, 2130706433 and 0x7f.1 into 127.0.0.1.
    if (isIpLiteral(u.hostname)) return this.checkAddress(u.hostname);
    return { ok: true };
  }

  /** Checks one address the connection would go to; `hostname` is the name it was resolved from, if any. */
  checkAddress(address: string, hostname?: string): OutboundVerdict {
    if (hostname !== undefined && this.hostAllowed(hostname)) return { ok: true };
    let c: AddressClass;
    try {
      c = classifyAddress(address);
    } catch {
      return refuse("host", `${hostname ?? address} did not resolve to an IP address`);
    }
    if (c.rule === undefined) return { ok: true };
    if (this.#addressAllowed(c)) return { ok: true };
    if (!ALWAYS_REFUSED.has(c.rule) && !(PRIVATE_RULES.has(c.rule) && this.privateNetworks === "deny")) return { ok: true };
    const what =
      hostname !== undefined
        ? `${hostname} resolves to ${article(c.rule)} address`
        : `${c.address}${c.embeddedIpv4 ? ` (carrying ${c.embeddedIpv4})` : ""} is ${article(c.rule)} address`;
    const why = ALWAYS_REFUSED.has(c.rule) ? "never called unless allowlisted" : `refused: ${this.#denyReason}`;
    return refuse(c.rule, `${what}, ${why}`);
  }

  #addressAllowed(c: AddressClass): boolean {
    const forms = [ipaddr.parse(c.address), ...(c.embeddedIpv4 ? [ipaddr.parse(c.embeddedIpv4)] : [])];
    return this.#allow.some((e) => e.kind === "cidr" && forms.some((a) => a.kind() === e.net.kind() && a.match(e.net, e.bits)));
  }
}

const refuse = (rule: OutboundRule, reason: string): OutboundVerdict => ({ ok: false, rule, reason });

const RULE_WORDS: Record<OutboundRule, string> = {
  scheme: "a non-http",
  credentials: "a credentialed",
  host: "an invalid",
  "link-local": "a link-local",
  metadata: "a cloud metadata",
  loopback: "a loopback",
  private: "a private",
  unspecified: "an unspecified",
  reserved: "a reserved",
};
const article = (rule: OutboundRule): string => RULE_WORDS[rule];

/** The one sentence every refusal carries: the rule, then why. */
export const describeRefusal = (v: { rule: OutboundRule; reason: string }): string =>
  `refused by the outbound policy (rule: ${v.rule}): ${v.reason}`;
