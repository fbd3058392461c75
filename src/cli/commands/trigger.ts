import { Command, Option } from "commander";
import { AdminClient } from "../admin-client.ts";
import { type FormDocument, generateLead, seededRandom } from "../answer-generator.ts";
import { installHintFor, pageReachProblems, readReach } from "../webhooks/lead-reach.ts";

const PER_CALL = 10_000;

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
    .action(async (flags: { form: string; ad?: string; count: string; platform: string; seed?: string; url: string; adminKey?: string }) => {
      if (!flags.adminKey) throw new Error("the admin key is required: --admin-key or LEADGRAPH_ADMIN_KEY");
      const count = Number(flags.count);
      if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new Error(`--count must be an integer from 1 to 1000000 - got ${flags.count}`);
      if (!/^\d+$/.test(flags.form)) throw new Error(`--form must be a form id - got ${flags.form}`);
      const client = new AdminClient(flags.url, flags.adminKey);
      const form = await client.request<FormDocument & { page_id: string }>("GET", `/_leadgraph/admin/forms/${flags.form}`);
      const rand = seededRandom(flags.seed !== undefined ? Number(flags.seed) : Date.now());
      for (let done = 0; done < count; done += PER_CALL) {
        const leads = Array.from({ length: Math.min(PER_CALL, count - done) }, () => ({
          ...generateLead(form, rand), platform: flags.platform, ...(flags.ad ? { ad_id: flags.ad } : {}),
        }));
        const { ids } = await client.request<{ ids: string[] }>("POST", `/_leadgraph/admin/forms/${flags.form}/leads`, { leads });
        process.stdout.write(`${ids.join("\n")}\n`);
      }
      const target = { url: flags.url.replace(/\/+$/, ""), adminKey: flags.adminKey };
      for (const line of pageReachProblems(await readReach(target), form.page_id, installHintFor(target.url, form.page_id))) {
        process.stderr.write(`warning: ${line}\n`);
      }
    });
  trigger.addCommand(lead);
  return trigger;
}
