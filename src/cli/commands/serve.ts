import { readWorldFile } from "../../world/read-world-file.ts";
import { Command, Option } from "commander";
import { startDispatcher } from "../../dispatcher/start-dispatcher.ts";
import { buildApp, interceptCaOf } from "../../http/app.ts";
import { interceptEnvironment } from "../../intercept/interception.ts";
import { startRetentionJob } from "../../erasure/retention-job.ts";
import { loggerOptions } from "../../http/logger.ts";
import { freePort } from "../../ops/free-port.ts";
import { installGracefulShutdown } from "../../ops/graceful-shutdown.ts";
import { createRuntime } from "../../runtime/runtime.ts";
import { seedDemo, demoBanner } from "../../world/seed-demo.ts";
import { loadWorld } from "../../world/load-world.ts";
import { withDeliveryOptions } from "../delivery-options.ts";
import { configFrom, withDatabaseOptions } from "../options.ts";

export function serveCommand(): Command {
  return serverCommand("serve", "run the Graph-compatible lead retrieval server", false);
}

/** `leadgraph intercept`: `serve --intercept`, for clients that hard-code graph.facebook.com (docs/intercept.md). */
export function interceptCommand(): Command {
  return serverCommand("intercept", "serve, and stand in for graph.facebook.com as an HTTPS proxy (HTTPS_PROXY) for unmodified clients", true);
}

function serverCommand(name: string, description: string, intercepting: boolean): Command {
  const cmd = new Command(name)
    .description(description)
    .addOption(new Option("-p, --port <port>", "port to listen on (0 = any free port)").env("LEADGRAPH_PORT"))
    .addOption(new Option("--host <host>", "address to bind").env("LEADGRAPH_HOST"))
    .addOption(new Option("--world <file>", "load this world file at start (one transaction)").env("LEADGRAPH_WORLD"))
    .addOption(new Option("--demo", "seed the demo world (pages, forms, ads, ~10,000 leads) and print how to use it").env("LEADGRAPH_DEMO"))
    .addOption(new Option("--public-url <url>", "base URL of absolute paging links, as clients reach this server").env("LEADGRAPH_PUBLIC_URL"))
    .addOption(new Option("--clock <mode>", "system | manual | manual:<unix seconds>").env("LEADGRAPH_CLOCK"))
    .addOption(new Option("--admin-key <key>", "admin API key (generated and printed when absent)").env("LEADGRAPH_ADMIN_KEY"))
    .addOption(new Option("--metrics-token <token>", "Bearer token /metrics requires (open when absent)").env("LEADGRAPH_METRICS_TOKEN"))
    .addOption(new Option("--graph-version <v>", "version reported for unversioned paths").env("LEADGRAPH_GRAPH_VERSION"))
    .addOption(new Option("--intercept-allow <hosts>", "comma-separated non-Meta hosts the interception proxy tunnels unchanged (others are refused)").env("LEADGRAPH_INTERCEPT_ALLOW"))
    .addOption(new Option("--intercept-ca-dir <dir>", "where the interception certificate authority is kept").env("LEADGRAPH_INTERCEPT_CA_DIR"))
    .addOption(new Option("--lead-retention-days <days>", "erase leads older than this many days (0 = keep for ever)").env("LEADGRAPH_LEAD_RETENTION_DAYS"));
  if (!intercepting) cmd.addOption(new Option("--intercept", "also act as an HTTPS proxy answering for graph.facebook.com (docs/intercept.md)").env("LEADGRAPH_INTERCEPT"));
  withDatabaseOptions(cmd);
  withDeliveryOptions(cmd);
  cmd.action(async (flags: Record<string, unknown>) => {
    const config = configFrom(intercepting ? { ...flags, intercept: true } : flags);
    const runtime = await createRuntime(config);
    if (config.world) {
      const summary = await loadWorld(runtime.services, await readWorldFile(config.world));
      process.stderr.write(`loaded world ${config.world}: ${JSON.stringify(summary)}\n`);
    }
    if (config.demo) await seedDemo(runtime.services);
    runtime.metrics.enableProcessMetrics();
    if (config.port === 0) config.port = await freePort(config.host);
    const app = await buildApp(runtime, { logger: loggerOptions(config.logLevel) });
    const address = await app.listen({ port: config.port, host: config.host });
    const dispatcher = config.webhookDispatcher
      ? startDispatcher(runtime, { onError: (err) => app.log.warn({ err }, "webhook dispatcher error") })
      : undefined;
    const retention = startRetentionJob(runtime, { onError: (err) => app.log.warn({ err }, "lead retention purge error") });
    if (retention) runtime.onClose(() => retention.stop());
    const url = config.publicUrl ?? address;
    if (config.demo) process.stdout.write(demoBanner(url, runtime));
    else {
      // The real address first (with --port 0, the port chosen); scripts and tests read this line.
      process.stdout.write(`leadgraph listening on ${address}${config.publicUrl ? ` (public URL ${config.publicUrl})` : ""}\n`);
      if (runtime.adminKeyGenerated) process.stdout.write(`admin key (shown once): ${runtime.adminKey}\n`);
    }
    const ca = interceptCaOf(app);
    if (ca) process.stdout.write(interceptEnvironment(address, ca.certPath));
    // Stop claiming and release in-flight deliveries while the database is still open.
    if (dispatcher) runtime.onClose(() => dispatcher.stop());
    installGracefulShutdown(app, runtime, config.shutdownTimeoutMs);
  });
  return cmd;
}
