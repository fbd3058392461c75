import { Command, Option } from "commander";
import { AdminClient } from "../admin-client.ts";
import { type FormDocument, generateLead, seededRandom } from "../answer-generator.ts";
import { startProgress } from "../progress.ts";
import { installHintFor, pageReachProblems, readReach } from "../webhooks/lead-reach.ts";

const MAX_PER_CALL = 10_000;
// About fifty calls for a large count, so the bar moves and its ETA means something; a call of a
// few hundred leads costs little more per lead than one of ten thousand.
const perCall = (count: number) => Math.min(MAX_PER_CALL, Math.max(200, Math.ceil(count / 50)));

/** `leadgraph trigger lead`: attributed (or organic) leads with realistic answers, through the admin API. */
export function triggerCommand(): Command {
  const trigger = new Command("trigger").description("make things happen on a running server");
  const lead = new Command("lead")
    .description("create leads on a form with realistic generated answers (fires the leadgen webhook)")
    .requiredOption("--form <id>", "form id")
    .option("--ad <id>", "attribute the leads to this ad (it must use the form)")
    .option("--count <n>", "how many leads", "1")
    .addOption(new Option("--platform <platform>", "platform of the leads").choices(["fb", "ig"]).default("fb"))
    .option("--seed <n>", "seed for reproducible answers")
    .addOption(new Option("--url <url>", "server URL").env("LEADGRAPH_URL").default("http://127.0.0.1:8080"))
    .addOption(new Option("--admin-key <key>", "admin API key").env("LEADGRAPH_ADMIN_KEY"))
    .option("--verbose", "print the new lead ids, one per line, instead of the summary")
    .option("--json", "print one JSON document: form, page, count and the new lead ids")
    .option("--no-progress", "no progress bar (there is none anyway when stderr is not a terminal)")
    .action(
      async (flags: {
        form: string;
        ad?: string;
        count: string;
        platform: string;
        seed?: string;
        url: string;
        adminKey?: string;
        verbose?: boolean;
        json?: boolean;
        progress: boolean;
      }) => {
        if (!flags.adminKey) throw new Error("the admin key is required: --admin-key or LEADGRAPH_ADMIN_KEY");
        const count = Number(flags.count);
        if (!Number.isInteger(count) || count < 1 || count > 1_000_000)
          throw new Error(`--count must be an integer from 1 to 1000000 - got ${flags.count}`);
        if (!/^\d+$/.test(flags.form)) throw new Error(`--form must be a form id - got ${flags.form}`);
        const client = new AdminClient(flags.url, flags.adminKey);
        const form = await client.request<FormDocument & { page_id: string }>("GET", `/_leadgraph/admin/forms/${flags.form}`);
        const rand = seededRandom(flags.seed !== undefined ? Number(flags.seed) : Date.now());
        const all: string[] = [];
        const progress = startProgress({ label: "creating leads", total: count, counts: "{value}/{total} leads", enabled: flags.progress });
        try {
          for (let done = 0; done < count; done += perCall(count)) {
            const leads = Array.from({ length: Math.min(perCall(count), count - done) }, () => ({
              ...generateLead(form, rand),
              platform: flags.platform,
              ...(flags.ad ? { ad_id: flags.ad } : {}),
            }));
            const { ids } = await client.request<{ ids: string[] }>("POST", `/_leadgraph/admin/forms/${flags.form}/leads`, { leads });
            if (flags.json) all.push(...ids);
            else if (flags.verbose) process.stdout.write(`${ids.join("\n")}\n`);
            progress.update(done + ids.length);
          }
        } finally {
          progress.stop();
        }
        const target = { url: flags.url.replace(/\/+$/, ""), adminKey: flags.adminKey };
        const warnings = pageReachProblems(await readReach(target), form.page_id, installHintFor(target.url, form.page_id));
        for (const line of warnings) process.stderr.write(`warning: ${line}\n`);
        const summary = `Created ${count} test lead${count === 1 ? "" : "s"} on form ${flags.form} (page ${form.page_id})`;
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ form_id: flags.form, page_id: form.page_id, count, ids: all, warnings })}\n`);
        } else if (flags.verbose) process.stderr.write(`${summary}\n`);
        else process.stdout.write(`${summary}\n`);
      },
    );
  trigger.addCommand(lead);
  return trigger;
}
