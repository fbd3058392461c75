import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Files that hold leads or secrets are readable by their owner only (0600), and directories
 * leadgraph creates for them are 0700, whatever the process umask: modes are set explicitly with
 * chmod after creation, since a umask can only remove bits from what open/mkdir ask for.
 * Shared by the server's storage and `leadgraph sync`'s.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates the missing directories of `dir` 0700; directories that already exist keep their mode. */
export function ensurePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return;
  // mkdirSync returns the first directory it created; every one from there down is ours.
  for (let d = resolve(dir); ; d = dirname(d)) {
    chmodSync(d, PRIVATE_DIR_MODE);
    if (d === resolve(first) || d === dirname(d)) break;
  }
}

/**
 * Prepares a SQLite database file before SQLite opens it: a new file is created empty and 0600 (SQLite
 * then gives its -wal and -shm files the mode of the database file); an existing one keeps the mode
 * its operator chose. True when the file was created now.
 */
export function preparePrivateDatabaseFile(file: string): boolean {
  if (file === ":memory:" || file === "") return false;
  ensurePrivateDir(dirname(file));
  if (existsSync(file)) return false;
  try {
    closeSync(openSync(file, "wx", PRIVATE_FILE_MODE));
    chmodSync(file, PRIVATE_FILE_MODE);
    return true;
  } catch (e) {
    // Another process created it between the check and the open: its mode is its creator's.
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return false;
  }
}

/**
 * The -wal and -shm files, once SQLite created them, get the database file's privacy when it was
 * created by us: SQLite copies the database file's mode, this makes sure of it whatever the umask.
 */
export function privatiseSidecars(file: string, created: boolean): void {
  if (!created) return;
  for (const suffix of ["-wal", "-shm"]) {
    const side = `${file}${suffix}`;
    if (existsSync(side)) chmodSync(side, PRIVATE_FILE_MODE);
  }
}
