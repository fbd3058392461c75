import { type Command, Option } from "commander";
import { configSchema, envNameOf } from "../runtime/config.ts";

/**
 * `serve` flags for the webhook dispatcher, one per delivery option of the configuration
 * (outbound policy included). Each
 * flag's name is its configuration key in kebab case, so `configFrom` maps it without a table;
 * a flag wins over its LEADGRAPH_* variable, which wins over the default.
 */
const DELIVERY_FLAGS: { key: keyof typeof configSchema.shape; arg: string; help: string }[] = [
  { key: "webhookDispatcher", arg: "<bool>", help: "run the webhook dispatcher in this instance: true | false" },
  { key: "webhookLingerMs", arg: "<ms>", help: "gather new leads into one POST per app and page for at most this long" },
  { key: "webhookTimeoutMs", arg: "<ms>", help: "a delivery POST unanswered after this fails and is retried" },
  { key: "webhookConcurrency", arg: "<n>", help: "delivery POSTs in flight at once" },
  { key: "webhookLeaseMs", arg: "<ms>", help: "how long a claimed batch stays with this instance; above the timeout" },
  { key: "webhookPollMs", arg: "<ms>", help: "longest wait between two looks at the outbox when nothing wakes the dispatcher" },
  { key: "webhookLogRetentionHours", arg: "<hours>", help: "prune finished deliveries and attempts older than this" },
  { key: "webhookAutoDisableHours", arg: "<hours>", help: "disable a subscription after this many hours of continuous failure; 0 = never" },
  {
    key: "outboundPrivateNetworks",
    arg: "<mode>",
    help: "may handshakes and deliveries reach loopback and private addresses: auto | allow | deny (auto: only when --host is loopback)",
  },
  { key: "outboundAllow", arg: "<list>", help: "comma-separated CIDR ranges, addresses and host names always callable" },
];

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function withDeliveryOptions(cmd: Command): Command {
  for (const f of DELIVERY_FLAGS) {
    const fallback = configSchema.shape[f.key].parse(undefined);
    cmd.addOption(new Option(`--${kebab(f.key)} ${f.arg}`, `${f.help} (default ${String(fallback)})`).env(envNameOf(f.key)));
  }
  return cmd;
}
