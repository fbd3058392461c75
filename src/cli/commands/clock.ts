import { Command, Option } from "commander";
import { adminCall, adminKeyOption, urlOption } from "../http-client.ts";

/** `leadgraph clock show|set|advance`: the server's manual clock, through the admin API. */
export function clockCommand(): Command {
  const cmd = new Command("clock").description("show or move the server's manual clock (shared by every instance on its database)");
  const sub = (name: string, description: string) =>
    cmd
      .command(name)
      .description(description)
      .addOption(urlOption())
      .addOption(adminKeyOption())
      .addOption(new Option("--json", "print the clock as one JSON document (mode, now, now_iso)"));
  type Flags = { url: string; adminKey?: string; json?: boolean };
  const print = (o: Flags, s: { mode: string; now: number; now_iso: string }) =>
    process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${s.mode} ${s.now} ${s.now_iso}\n`);
  sub("show", "print the clock's mode and time").action(async (o: Flags) => {
    print(o, await adminCall(o.url, o.adminKey, "GET", "_leadgraph/admin/clock"));
  });
  sub("set", "set the manual clock")
    .argument("<time>", "unix seconds, a date (2026-11-01) or an ISO-8601 time")
    .action(async (time: string, o: Flags) => {
      print(o, await adminCall(o.url, o.adminKey, "POST", "_leadgraph/admin/clock", { set: /^\d+$/.test(time) ? Number(time) : time }));
    });
  sub("advance", "move the manual clock forward")
    .argument("<duration>", "e.g. 36h, 90d, 1h30m or seconds")
    .action(async (d: string, o: Flags) => {
      print(o, await adminCall(o.url, o.adminKey, "POST", "_leadgraph/admin/clock", { advance: d }));
    });
  return cmd;
}
