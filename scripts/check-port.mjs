// `npm start` runs this before building the console: a port in use is reported at once, with the
// setting to change, instead of after the build.
import { createServer } from "node:net";

const port = Number(process.env.LEADGRAPH_PORT ?? 8080);
const host = process.env.LEADGRAPH_HOST ?? "127.0.0.1";
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`leadgraph: --port / LEADGRAPH_PORT must be a port number from 0 to 65535 - got "${process.env.LEADGRAPH_PORT}"\n`);
  process.exit(1);
}
const probe = createServer();
probe.once("error", (e) => {
  const why =
    e.code === "EADDRINUSE"
      ? `${host}:${port} is already in use by another process (another leadgraph?): choose a free port with LEADGRAPH_PORT=<port> npm start, or stop the other process`
      : `cannot listen on ${host}:${port}: ${e.message}`;
  process.stderr.write(`leadgraph: ${why}\n`);
  process.exit(1);
});
probe.listen(port, host, () => probe.close());
