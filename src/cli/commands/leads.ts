import { Command, Option } from "commander";
import { adminCall, adminKeyOption, urlOption } from "../http-client.ts";

interface Erasure {
  id: string;
  time: string;
  kind: string;
  matched_by: string | null;
  actor: string;
  via: string;
  reference: string | null;
  leads_erased: number;
  lead_ids: string[];
  form_ids: string[];
  page_ids: string[];
  deliveries_cancelled: number;
  already_delivered: number;
  detail: string | null;
}
interface Connection {
  url: string;
  adminKey?: string;
  json?: boolean;
}

// The audit log records that the request came through the CLI.
const CLI = { "x-leadgraph-client": "cli" };

const out = (o: Connection, value: unknown, human: string) => process.stdout.write(o.json ? `${JSON.stringify(value)}\n` : `${human}\n`);
const list = (ids: string[]) => (ids.length > 0 ? ids.join(", ") : "none");

function describeErasure(e: Erasure, notRecalled?: string): string {
  const lines = [
    `erased ${e.leads_erased} lead${e.leads_erased === 1 ? "" : "s"}${e.matched_by ? ` (matched by ${e.matched_by})` : ""}: ${list(e.lead_ids)}`,
    `forms ${list(e.form_ids)}; pages ${list(e.page_ids)}`,
    `pending webhook deliveries cancelled: ${e.deliveries_cancelled}; already delivered by webhook: ${e.already_delivered}`,
    `audit record ${e.id} at ${e.time} by ${e.actor} via ${e.via}${e.reference ? ` (reference ${e.reference})` : ""}`,
  ];
  if (notRecalled) lines.push(notRecalled);
  return lines.join("\n");
}

/**
 * `leadgraph leads delete|erase|erasures`: erasure through a running server's admin API
 * (docs/data-protection.md). `--json` prints the API's answer as one line.
 */
export function leadsCommand(): Command {
  const cmd = new Command("leads").description(
    "erase leads: one by id, or every lead of a person (by email or phone); the erasure audit log",
  );
  const sub = (name: string, description: string) =>
    cmd
      .command(name)
      .description(description)
      .addOption(urlOption())
      .addOption(adminKeyOption())
      .addOption(new Option("--json", "print the server's JSON answer"));

  sub("delete", "erase one lead by id")
    .argument("<id>", "lead id")
    .action(async (id: string, o: Connection) => {
      if (!/^\d{1,20}$/.test(id)) throw new Error(`a lead id is numeric - got "${id.slice(0, 40)}"`);
      const res = await adminCall(o.url, o.adminKey, "DELETE", `_leadgraph/admin/leads/${id}`, undefined, CLI);
      out(o, res, describeErasure(res.erasure, res.not_recalled));
    });

  sub("erase", "erase every lead whose answers hold this email or phone number, across forms and pages")
    .option("--email <email>", "email address (compared without regard to case)")
    .option("--phone <phone>", "phone number, with its country code or with --country")
    .option("--country <region>", "two-letter region of a phone number written without country code (US, NL…)")
    .option("--reference <text>", "your reference for the audit log (a ticket number; no personal data)")
    .option("--dry-run", "list the leads that would be erased, and erase nothing")
    .action(async (o: Connection & { email?: string; phone?: string; country?: string; reference?: string; dryRun?: boolean }) => {
      if (o.email === undefined && o.phone === undefined) throw new Error("give --email, --phone or both");
      const body = {
        ...(o.email !== undefined ? { email: o.email } : {}),
        ...(o.phone !== undefined ? { phone: o.phone } : {}),
        ...(o.country !== undefined ? { country: o.country } : {}),
        ...(o.reference !== undefined ? { reference: o.reference } : {}),
        ...(o.dryRun ? { dry_run: true } : {}),
      };
      const res = await adminCall(o.url, o.adminKey, "POST", "_leadgraph/admin/erasures", body, CLI);
      if (o.dryRun)
        out(
          o,
          res,
          `would erase ${res.leads_matched} lead${res.leads_matched === 1 ? "" : "s"}: ${list(res.lead_ids)} (forms ${list(res.form_ids)}; pages ${list(res.page_ids)})`,
        );
      else out(o, res, describeErasure(res.erasure, res.not_recalled));
    });

  sub("erasures", "print the erasure audit log, newest first")
    .option("--limit <n>", "how many records", "25")
    .action(async (o: Connection & { limit: string }) => {
      const res = await adminCall(o.url, o.adminKey, "GET", `_leadgraph/admin/erasures?limit=${encodeURIComponent(o.limit)}`);
      const rows = (res.data as Erasure[]).map(
        (e) =>
          `${e.time}  ${e.id}  ${e.kind.padEnd(9)} ${String(e.leads_erased).padStart(5)} leads  ${e.actor} via ${e.via}${e.detail ? `  ${e.detail}` : ""}`,
      );
      out(o, res, rows.length > 0 ? rows.join("\n") : "no erasures recorded");
    });
  return cmd;
}
