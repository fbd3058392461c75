import type { HttpModule } from "../http-kit/index.ts";
import { listInstances } from "../storage/index.ts";
import { adminRoutes, pageOf } from "./admin-kit.ts";
import { instancesApi } from "./instances-api.ts";

/** `GET /_leadgraph/admin/instances`: who shares the database, with their last heartbeat. */
export const instancesRoutes: HttpModule = async (app, runtime, links) => {
  adminRoutes(
    app,
    runtime,
    links,
  )(instancesApi.list, async (call) =>
    pageOf(
      await listInstances(runtime.connection.db),
      (r) => String(r.node).padStart(10, "0"),
      call,
      (r) => ({
        node: r.node,
        started_time: Math.floor(r.startedAtMs / 1000),
        heartbeat_time: Math.floor(r.heartbeatAtMs / 1000),
        self: r.node === runtime.instanceNode,
      }),
    ),
  );
};
