import { Command } from "commander";
import { adminTarget, withAdminOptions } from "./admin-client.ts";
import { appReachProblems, installHintFor, readReach } from "./lead-reach.ts";

/** `leadgraph listen --forward-to http://localhost:3000/webhook [--app ID]`, like `stripe listen`. */
export function listenCommand(): Command {
  const cmd = withAdminOptions(
    new Command("listen")
      .description("subscribe a local relay and forward every leadgen webhook (exact bytes and signatures) to a local URL")
      .requiredOption("--forward-to <url>", "your local webhook endpoint")
      .option("--app <id>", "the app whose subscription to relay (default: the only subscribed app)"),
  );
  cmd.action(async (f: Record<string, string>) => {
    const { startRelay } = await import("./listen-relay.ts");
    const target = adminTarget(f);
    const relay = await startRelay({
      ...target,
      forwardTo: f.forwardTo!,
      ...(f.app ? { appId: f.app } : {}),
      print: (l) => process.stdout.write(`${l}\n`),
    });
    for (const line of appReachProblems(await readReach(target), relay.appId, installHintFor(target.url)))
      process.stderr.write(`warning: ${line}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await relay.close();
    process.stdout.write(`restored the subscription of app ${relay.appId}\n`);
  });
  return cmd;
}
