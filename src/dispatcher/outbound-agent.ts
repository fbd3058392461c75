import { lookup as dnsLookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, buildConnector } from "undici";
import { describeRefusal, type HostResolver, type OutboundPolicy, type OutboundRule } from "../domain/webhooks/outbound-policy.ts";

/** A target the outbound policy refused: no socket was opened for it. */
export class OutboundRefusedError extends Error {
  readonly code = "LEADGRAPH_OUTBOUND_REFUSED";
  readonly rule: OutboundRule;
  constructor(v: { rule: OutboundRule; reason: string }) {
    super(describeRefusal(v));
    this.name = "OutboundRefusedError";
    this.rule = v.rule;
  }
}

/** The refusal inside an undici error (it may arrive as the error itself or as its cause). */
export function refusalOf(e: unknown): OutboundRefusedError | undefined {
  if (e instanceof OutboundRefusedError) return e;
  const cause = (e as { cause?: unknown } | undefined)?.cause;
  return cause instanceof OutboundRefusedError ? cause : undefined;
}

const systemResolver: HostResolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

/**
 * The `lookup` net/tls use to resolve a host name: one resolution, every answer checked, and the
 * socket connects to exactly the answers handed back. A name with any refused address is refused
 * whole (a rebinding name mixing a public and an internal address gets nothing).
 */
function guardedLookup(policy: OutboundPolicy): LookupFunction {
  const resolve = policy.resolver ?? systemResolver;
  return (hostname, options, callback) => {
    const all = (options as { all?: boolean }).all === true;
    const family = (options as { family?: number }).family;
    resolve(hostname)
      .then((answers) => {
        const usable = answers.filter((a) => !family || a.family === family);
        if (usable.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" });
        for (const a of usable) {
          const v = policy.checkAddress(a.address, hostname);
          if (!v.ok) throw new OutboundRefusedError(v);
        }
        if (all)
          (callback as (e: null, a: { address: string; family: number }[]) => void)(
            null,
            usable.map((a) => ({ address: a.address, family: a.family })),
          );
        else callback(null, usable[0]!.address, usable[0]!.family);
      })
      .catch((e: NodeJS.ErrnoException) => callback(e, "", 0));
  };
}

/**
 * An undici connector that applies the policy to the address it connects to: a literal address is
 * checked before any socket exists; a host name goes through `guardedLookup`. Nothing is connected
 * to that was not checked, and a refusal opens no socket.
 */
function guardedConnector(policy: OutboundPolicy): buildConnector.connector {
  const base = buildConnector({ lookup: guardedLookup(policy) });
  return (opts, callback) => {
    const verdict = isIP(opts.hostname) ? policy.checkAddress(opts.hostname) : { ok: true as const };
    if (!verdict.ok) {
      callback(new OutboundRefusedError(verdict), null);
      return;
    }
    base(opts, callback);
  };
}

/** An undici Agent whose every connection obeys `policy`. */
export function outboundAgent(policy: OutboundPolicy, options: Omit<Agent.Options, "connect"> = {}): Agent {
  return new Agent({ ...options, connect: guardedConnector(policy) });
}
