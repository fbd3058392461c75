import { readWorldFile } from "../../world/read-world-file.ts";
import { Command, Option } from "commander";
import { withDeliveryOptions } from "../delivery-options.ts";
import { configFrom, withDatabaseOptions } from "../options.ts";

export function serveCommand(): Command {
  return serverCommand("serve", "run the Graph-compatible lead retrieval server", false);
}

/** `leadgraph intercept`: `serve --intercept`, for clients that hard-code graph.facebook.com (docs/intercept.md). */
export function interceptCommand(): Command {
  return serverCommand(
    "intercept",
    "serve, and stand in for graph.facebook.com as an HTTPS proxy (HTTPS_PROXY) for unmodified clients",
    true,
  );
}

function serverCommand(name: string, description: string, intercepting: boolean): Command {
  const cmd = new Command(name)
    .description(description)
    .addOption(new Option("-p, --port <port>", "port to listen on (0 = any free port)").env("LEADGRAPH_PORT"))
    .addOption(new Option("--host <host>", "address to bind").env("LEADGRAPH_HOST"))
    .addOption(new Option("--world <file>", "load this world file at start (one transaction)").env("LEADGRAPH_WORLD"))
    .addOption(new Option("--demo", "seed the demo world (pages, forms, ads, ~10,000 leads) and print how to use it").env("LEADGRAPH_DEMO"))
    .addOption(
      new Option("--public-url <url>", "base URL of absolute paging links, as clients reach this server").env("LEADGRAPH_PUBLIC_URL"),
    )
    .addOption(new Option("--clock <mode>", "system | manual | manual:<unix seconds>").env("LEADGRAPH_CLOCK"))
    .addOption(new Option("--admin-key <key>", "admin API key (generated and printed when absent)").env("LEADGRAPH_ADMIN_KEY"))
    .addOption(new Option("--metrics-token <token>", "Bearer token /metrics requires (open when absent)").env("LEADGRAPH_METRICS_TOKEN"))
    .addOption(new Option("--graph-version <v>", "version reported for unversioned paths").env("LEADGRAPH_GRAPH_VERSION"))
    .addOption(
      new Option(
        "--intercept-allow <hosts>",
        "comma-separated non-Meta hosts the interception proxy tunnels unchanged (others are refused)",
      ).env("LEADGRAPH_INTERCEPT_ALLOW"),
    )
    .addOption(
      new Option("--intercept-ca-dir <dir>", "where the interception certificate authority is kept").env("LEADGRAPH_INTERCEPT_CA_DIR"),
    )
    .addOption(
      new Option("--lead-retention-days <days>", "erase leads older than this many days (0 = keep for ever)").env(
        "LEADGRAPH_LEAD_RETENTION_DAYS",
      ),
    );
  if (!intercepting)
    cmd.addOption(
      new Option("--intercept", "also act as an HTTPS proxy answering for graph.facebook.com (docs/intercept.md)").env(
        "LEADGRAPH_INTERCEPT",
      ),
    );
  withDatabaseOptions(cmd);
  withDeliveryOptions(cmd);
  cmd.action(async (flags: Record<string, unknown>) => {
    const config = configFrom(intercepting ? { ...flags, intercept: true } : flags);
    // Loaded here rather than at the top so `leadgraph serve --help` does not load the server.
    const [
      { startDispatcher },
      { buildApp, interceptCaOf },
      { loggerOptions },
      { ServerHost },
      { installGracefulShutdown },
      { createRuntime },
      { seedDemo, demoBanner },
      { loadWorld },
      { interceptEnvironment },
      { startRetentionJob },
    ] = await Promise.all([
      import("../../dispatcher/index.ts"),
      import("../../http/app.ts"),
      import("../../http/logger.ts"),
      import("../../http-kit/index.ts"),
      import("../../ops/graceful-shutdown.ts"),
      import("../../runtime/runtime.ts"),
      import("../../world/seed-demo.ts"),
      import("../../world/load-world.ts"),
      import("../../intercept/interception.ts"),
      import("../../erasure/retention-job.ts"),
    ]);
    const { logInstanceStanding } = await import("../../ops/instance-standing-log.ts");
    let first = true;
    // The socket is bound first (`--port 0` is read back from it); the runtime and app behind it are
    // built once ready to answer, and again at each reset (POST /_leadgraph/admin/reset).
    const host = await ServerHost.start({
      host: config.host,
      port: config.port,
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      build: async (publicUrl) => {
        const runtime = await createRuntime(config);
        try {
          if (first && config.world) {
            const summary = await loadWorld(runtime.services, await readWorldFile(config.world));
            process.stderr.write(`loaded world ${config.world}: ${JSON.stringify(summary)}\n`);
          }
          if (first && config.demo) await seedDemo(runtime.services);
          first = false;
          runtime.metrics.enableProcessMetrics();
          const app = await buildApp(runtime, { logger: loggerOptions(config.logLevel), publicUrl });
          logInstanceStanding(runtime, app.log);
          if (config.webhookDispatcher) {
            const dispatcher = startDispatcher(runtime, { onError: (err) => app.log.warn({ err }, "webhook dispatcher error") });
            // Stop claiming and release in-flight deliveries while the database is still open.
            runtime.onClose(() => dispatcher.stop());
          }
          const retention = startRetentionJob(runtime, { onError: (err) => app.log.warn({ err }, "lead retention purge error") });
          if (retention) runtime.onClose(() => retention.stop());
          return { runtime, app };
        } catch (e) {
          await runtime.close();
          throw e;
        }
      },
    });
    const { runtime, app } = host.current;
    if (config.demo) process.stdout.write(demoBanner(host.publicUrl, runtime));
    else {
      // The real address first (with --port 0, the port chosen); scripts and tests read this line.
      process.stdout.write(`leadgraph listening on ${host.url}${config.publicUrl ? ` (public URL ${config.publicUrl})` : ""}\n`);
      if (runtime.adminKeyGenerated) {
        process.stdout.write(
          `admin key (shown once): ${runtime.adminKey}\n` +
            "  kept sealed in the database; to choose your own, or to replace a lost one, start with --admin-key <key> (LEADGRAPH_ADMIN_KEY)\n",
        );
      }
    }
    const ca = interceptCaOf(app);
    if (ca) process.stdout.write(interceptEnvironment(host.url, ca.certPath));
    // The host closes whichever runtime it serves by then (a reset replaces the first one).
    installGracefulShutdown({ log: app.log, close: () => host.close() }, runtime, config.shutdownTimeoutMs);
  });
  return cmd;
}
