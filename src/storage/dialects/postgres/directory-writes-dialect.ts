import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from "kysely";
import { CACHED_TABLES } from "../../migrations/0007-directory-generation.ts";

const WRITES_DIRECTORY = new RegExp(
  String.raw`\b(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?)\s+"?(?:${CACHED_TABLES.join("|")})"?(?![\w])`,
  "i",
);
const BEGINS = /^\s*(begin|start\s+transaction)\b/i;
const ENDS = /^\s*(commit|rollback|end)\s*;?\s*$/i;

/** What the dialect tells the directory generation about this process's own writes. */
export interface DirectoryWrites {
  /** A statement changed (or is about to change) a cached table: what was cached may be stale. */
  written(): void;
  /** A transaction holding such a change stays open: nothing read now may be kept (it could roll back). */
  transactionOpened(): void;
  /** That transaction committed or rolled back. */
  transactionEnded(): void;
}

/**
 * Tells this process at once when one of its own statements changes a cached directory table, so
 * that its next request reads what it has just written without waiting for the notification its
 * commit sends every instance. `written` is called when such a statement starts (a load running
 * beside it is not kept) and again once it is committed: after the statement outside a
 * transaction, after the commit or rollback inside one; while the transaction is open the cache
 * keeps nothing (a read inside it sees rows other connections must not be served).
 */
export class DirectoryWritesDialect implements Dialect {
  readonly #inner: Dialect;
  readonly #writes: DirectoryWrites;

  constructor(inner: Dialect, writes: DirectoryWrites) {
    this.#inner = inner;
    this.#writes = writes;
  }

  createDriver(): Driver {
    return new DirectoryWritesDriver(this.#inner.createDriver(), this.#writes);
  }
  createQueryCompiler(): QueryCompiler {
    return this.#inner.createQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return this.#inner.createAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.#inner.createIntrospector(db);
  }
}

class WatchedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #writes: DirectoryWrites;
  inTransaction = false;
  /** A statement of the open transaction changed the directory: announce again when it ends. */
  dirty = false;

  constructor(inner: DatabaseConnection, writes: DirectoryWrites) {
    this.inner = inner;
    this.#writes = writes;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (BEGINS.test(q.sql)) this.inTransaction = true;
    else if (ENDS.test(q.sql)) {
      try {
        return await this.inner.executeQuery<R>(q);
      } finally {
        this.ended();
      }
    }
    if (!WRITES_DIRECTORY.test(q.sql)) return this.inner.executeQuery<R>(q);
    this.#writes.written();
    if (this.inTransaction && !this.dirty) {
      this.dirty = true;
      this.#writes.transactionOpened();
    }
    try {
      return await this.inner.executeQuery<R>(q);
    } finally {
      if (!this.inTransaction) this.#writes.written();
    }
  }

  streamQuery<R>(q: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(q, chunkSize);
  }

  ended(): void {
    this.inTransaction = false;
    if (this.dirty) {
      this.dirty = false;
      this.#writes.transactionEnded();
    }
  }
}

class DirectoryWritesDriver implements Driver {
  readonly #inner: Driver;
  readonly #writes: DirectoryWrites;
  readonly #wrappers = new WeakMap<DatabaseConnection, WatchedConnection>();

  constructor(inner: Driver, writes: DirectoryWrites) {
    this.#inner = inner;
    this.#writes = writes;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#inner.acquireConnection();
    let wrapped = this.#wrappers.get(inner);
    if (wrapped === undefined) {
      wrapped = new WatchedConnection(inner, this.#writes);
      this.#wrappers.set(inner, wrapped);
    }
    return wrapped;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as WatchedConnection;
    await this.#inner.beginTransaction(c.inner, settings);
    c.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as WatchedConnection;
    try {
      await this.#inner.commitTransaction(c.inner);
    } finally {
      c.ended();
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as WatchedConnection;
    try {
      await this.#inner.rollbackTransaction(c.inner);
    } finally {
      c.ended();
    }
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.#inner.savepoint!((connection as WatchedConnection).inner, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.#inner.rollbackToSavepoint!((connection as WatchedConnection).inner, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.#inner.releaseSavepoint!((connection as WatchedConnection).inner, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection((connection as WatchedConnection).inner);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}
