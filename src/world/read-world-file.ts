import { readFile } from "node:fs/promises";

/**
 * Reads a world file's JSON, saying where it is broken: `world.json:3:5: Expected double-quoted
 * property name` instead of a bare offset, and which flag named a file that is not there.
 */
export async function readWorldFile(path: string, flag = "--world"): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new Error(
      code === "ENOENT"
        ? `world file ${path} (${flag}) does not exist`
        : `cannot read world file ${path} (${flag}): ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const reason = message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, "");
    if (!at) throw new Error(`${path}: not valid JSON: ${reason}`, { cause: e });
    const { line, column } = lineAndColumn(text, Number(at[1]));
    throw new Error(`${path}:${line}:${column}: not valid JSON: ${reason}`, { cause: e });
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
