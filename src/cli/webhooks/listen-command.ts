import { Command } from "commander";
import { adminTarget, withAdminOptions } from "./admin-client.ts";

/** `leadgraph listen --forward-to http://localhost:3000/webhook [--app ID]`, like `stripe listen`. */
export function listenCommand(): Command {
  const cmd = withAdminOptions(new Command("listen")
    .description("subscribe a local relay and forward every leadgen webhook (exact bytes and signatures) to a local URL")
    .requiredOption("--forward-to <url>", "your local webhook endpoint")
    .option("--app <id>", "the app whose subscription to relay (default: the only subscribed app)"));
  cmd.action(async (f: Record<string, string>) => {
    const { startRelay } = await import("./listen-relay.ts");
    const relay = await startRelay({ ...adminTarget(f), forwardTo: f.forwardTo!, ...(f.app ? { appId: f.app } : {}), print: (l) => process.stdout.write(`${l}\n`) });
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
