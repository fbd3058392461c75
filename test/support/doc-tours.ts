import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * A code block of the README or docs/ marked as a tour to run. The marker is an HTML comment on
 * the line right before the fence (invisible on GitHub):
 *
 *   <!-- tour: NAME -->                           run it against a fresh demo server
 *   <!-- tour: NAME, serve: --clock manual -->    run it against a demo server started with these flags
 *   <!-- tour: skip — REASON -->                  not run here; the reason says why (or where it is covered)
 */
export interface TourBlock {
  name: string;
  /** `file:line` of the fence, for failure messages. */
  where: string;
  code: string;
  /** Extra `leadgraph serve` flags for the server this block runs against ("" for the plain demo). */
  serve: string;
}

export interface SkippedBlock {
  where: string;
  reason: string;
}

const MARKER = /^<!--\s*tour:\s*(.*?)\s*-->$/;
const FENCE = /^```/;

/** The README and every Markdown file of docs/, as paths relative to the repository. */
export function tourFiles(repo: string): string[] {
  const docs = readdirSync(join(repo, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort();
  return ["README.md", ...docs.map((f) => join("docs", f))];
}

/** Every marked block of the given files; a marker not followed by a fence is an error. */
export function extractTours(repo: string, files: string[]): { run: TourBlock[]; skipped: SkippedBlock[] } {
  const run: TourBlock[] = [];
  const skipped: SkippedBlock[] = [];
  for (const file of files) {
    const lines = readFileSync(join(repo, file), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const m = MARKER.exec(lines[i]!.trim());
      if (!m) continue;
      const where = `${relative(repo, join(repo, file))}:${i + 2}`;
      if (!FENCE.test((lines[i + 1] ?? "").trimStart()))
        throw new Error(`${relative(repo, join(repo, file))}:${i + 1}: a tour marker must be right before a code fence`);
      const end = lines.findIndex((l, j) => j > i + 1 && FENCE.test(l.trimStart()));
      if (end < 0) throw new Error(`${where}: unclosed code block`);
      const spec = m[1]!;
      const skip = /^skip\b\s*[—:-]?\s*(.*)$/.exec(spec);
      if (skip) {
        if (!skip[1]) throw new Error(`${where}: a skipped tour block needs a reason`);
        skipped.push({ where, reason: skip[1] });
        continue;
      }
      const [name, ...opts] = spec.split(",").map((s) => s.trim());
      let serve = "";
      for (const o of opts) {
        const kv = /^serve:\s*(.*)$/.exec(o);
        if (!kv) throw new Error(`${where}: unknown tour option "${o}"`);
        serve = kv[1]!;
      }
      run.push({ name: name!, where, code: lines.slice(i + 2, end).join("\n"), serve });
    }
  }
  return { run, skipped };
}

/** `file:line` of every ```sh block of the file that has no tour marker (run or skip). */
export function unmarkedShellBlocks(repo: string, file: string): string[] {
  const lines = readFileSync(join(repo, file), "utf8").split("\n");
  const out: string[] = [];
  let inside = false;
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i]!.trimStart())) continue;
    if (!inside && /^```(sh|bash|shell)\s*$/.test(lines[i]!.trimStart()) && !MARKER.test((lines[i - 1] ?? "").trim()))
      out.push(`${file}:${i + 1}`);
    inside = !inside;
  }
  return out;
}
