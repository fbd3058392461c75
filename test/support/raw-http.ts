import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from the first byte written to the end of the answer. */
  ms: number;
}

/**
 * Sends bytes as they are over a loopback socket and reads the answer until the server closes
 * or the announced body is complete: for requests no HTTP client would send (raw bytes in the
 * path, oversized headers, a body that never ends) and for huge bodies written in chunks.
 */
export function rawRequest(
  url: string,
  head: string | Buffer,
  body: Iterable<Buffer | string> = [],
  timeoutMs = 60_000,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) return reject(err);
      const parsed = parseAnswer(Buffer.concat(chunks));
      if (parsed === undefined) return reject(new Error(`no HTTP answer: ${Buffer.concat(chunks).toString("latin1").slice(0, 200)}`));
      resolve({ ...parsed, ms: performance.now() - started });
    };
    socket.on("data", (b: Buffer) => {
      chunks.push(b);
      const parsed = parseAnswer(Buffer.concat(chunks));
      if (parsed?.complete) finish();
    });
    socket.on("error", (e) => (chunks.length > 0 ? finish() : finish(e)));
    socket.on("close", () => finish());
    const writeAll = async () => {
      socket.write(head);
      for (const part of body) {
        if (done || socket.destroyed) return;
        // Waits for the socket to drain: the server may answer (and close) before the body ends.
        if (!socket.write(part))
          await new Promise<void>((r) => {
            socket.once("drain", r);
            socket.once("close", r);
          });
      }
    };
    // Nothing in writeAll rejects: socket errors arrive through the "error" listener above.
    socket.on("connect", () => void writeAll());
  });
}

function parseAnswer(buf: Buffer): (Omit<RawAnswer, "ms"> & { complete: boolean }) | undefined {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? "")?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const rest = buf.subarray(end + 4);
  const length = headers["content-length"] === undefined ? undefined : Number(headers["content-length"]);
  const body = length === undefined ? dechunk(rest) : rest.subarray(0, length).toString("utf8");
  const complete = length !== undefined ? rest.length >= length : rest.includes("0\r\n\r\n");
  return { status, headers, body, complete };
}

function dechunk(buf: Buffer): string {
  let out = "";
  let at = 0;
  for (;;) {
    const nl = buf.indexOf("\r\n", at);
    if (nl < 0) return out;
    const size = parseInt(buf.subarray(at, nl).toString("latin1"), 16);
    if (!(size > 0)) return out;
    out += buf.subarray(nl + 2, nl + 2 + size).toString("utf8");
    at = nl + 2 + size + 2;
  }
}

/** `count` chunks of `chunk`, produced lazily so a huge body never sits in the test's memory. */
export function* repeated(chunk: string, count: number): Iterable<Buffer> {
  const b = Buffer.from(chunk);
  for (let i = 0; i < count; i++) yield b;
}
