import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A port the OS has just handed out on `host`. `serve --port 0` needs the real port before the app
 * is built, because absolute paging links (`next`) are made with it.
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}
