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
import { databaseFaultOf, type DatabaseFaults } from "./faults.ts";

/**
 * Wraps a Kysely dialect so that every database fault reaches its caller as Graph's transient error
 * (DatabaseFaults.translate) and is reported once with the driver's own code, and so that a plain
 * read whose connection was lost (a backend terminated, a failover) is tried once more on a fresh
 * connection from the pool. Writes are never repeated: the caller gets the transient error and the
 * transaction they ran in is rolled back by the server when its connection dies, so nothing is
 * half-applied.
 */
export class FaultHandlingDialect implements Dialect {
  readonly #inner: Dialect;
  readonly #faults: DatabaseFaults;
  readonly #retryReads: boolean;

  constructor(inner: Dialect, faults: DatabaseFaults, opts: { retryReads: boolean }) {
    this.#inner = inner;
    this.#faults = faults;
    this.#retryReads = opts.retryReads;
  }

  createDriver(): Driver {
    return new FaultHandlingDriver(this.#inner.createDriver(), this.#faults, this.#retryReads);
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

/** Statements that only read: what may run again on another connection without effect. */
const READ_ONLY_SQL = /^\s*(select|with\s(?![\s\S]*\b(insert|update|delete)\b))/i;
const BEGINS = /^\s*(begin|start\s+transaction)\b/i;
const ENDS = /^\s*(commit|rollback|end)\s*;?\s*$/i;

class FaultHandlingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #driver: FaultHandlingDriver;
  /** Inside a transaction a read is part of it: it cannot move to another connection. */
  inTransaction = false;

  constructor(inner: DatabaseConnection, driver: FaultHandlingDriver) {
    this.inner = inner;
    this.#driver = driver;
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    // Transactions opened with raw SQL (`begin immediate` on SQLite, the migrator) count too.
    if (BEGINS.test(q.sql)) this.inTransaction = true;
    else if (ENDS.test(q.sql)) this.inTransaction = false;
    try {
      return await this.inner.executeQuery<R>(q);
    } catch (e) {
      const outcome = await this.#driver.afterQueryError<R>(e, q, this.inTransaction);
      if ("rows" in outcome) return outcome.rows;
      throw outcome.error;
    }
  }

  async *streamQuery<R>(q: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(q, chunkSize);
    } catch (e) {
      throw this.#driver.faults.translate(e);
    }
  }
}

class FaultHandlingDriver implements Driver {
  readonly #inner: Driver;
  readonly faults: DatabaseFaults;
  readonly #retryReads: boolean;
  readonly #wrappers = new WeakMap<DatabaseConnection, FaultHandlingConnection>();

  constructor(inner: Driver, faults: DatabaseFaults, retryReads: boolean) {
    this.#inner = inner;
    this.faults = faults;
    this.#retryReads = retryReads;
  }

  /**
   * What a failed query's caller gets. A lost connection under a read outside any transaction is
   * tried once on a fresh connection (the rows it answers are the same a first try would have
   * answered); if that fails too, or for anything else, the caller gets the translated error.
   */
  async afterQueryError<R>(e: unknown, q: CompiledQuery, inTransaction: boolean): Promise<{ rows: QueryResult<R> } | { error: unknown }> {
    const lost = databaseFaultOf(e)?.connectionLost === true;
    const error = this.faults.translate(e);
    if (!lost || !this.#retryReads || inTransaction || !READ_ONLY_SQL.test(q.sql)) return { error };
    let conn: DatabaseConnection | undefined;
    try {
      conn = await this.#inner.acquireConnection();
      return { rows: await conn.executeQuery<R>(q) };
    } catch (again) {
      return { error: this.faults.translate(again, "retried read") };
    } finally {
      if (conn) await this.#inner.releaseConnection(conn).catch(() => undefined);
    }
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    try {
      // One wrapper per driver connection (a pg client, SQLite's one handle): the transaction state
      // belongs to the connection, and the hot path allocates nothing.
      const inner = await this.#inner.acquireConnection();
      let wrapped = this.#wrappers.get(inner);
      if (wrapped === undefined) {
        wrapped = new FaultHandlingConnection(inner, this);
        this.#wrappers.set(inner, wrapped);
      }
      return wrapped;
    } catch (e) {
      throw this.faults.translate(e, "connect");
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as FaultHandlingConnection;
    try {
      await this.#inner.beginTransaction(c.inner, settings);
      c.inTransaction = true;
    } catch (e) {
      throw this.faults.translate(e, "begin");
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as FaultHandlingConnection;
    try {
      await this.#inner.commitTransaction(c.inner);
    } catch (e) {
      throw this.faults.translate(e, "commit");
    } finally {
      c.inTransaction = false;
    }
  }

  /**
   * A rollback that cannot run changes nothing for the caller: the connection is gone (the server
   * rolled the transaction back with it) or SQLite already rolled it back (SQLITE_FULL, an I/O
   * error). Throwing here would hide the error that made the transaction fail behind "cannot
   * rollback - no transaction is active", so the failure is reported and the first error stands.
   */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as FaultHandlingConnection;
    try {
      await this.#inner.rollbackTransaction(c.inner);
    } catch (e) {
      const fault = databaseFaultOf(e, "rollback");
      if (fault) this.faults.report(fault, e);
    } finally {
      c.inTransaction = false;
    }
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    try {
      await this.#inner.savepoint!((connection as FaultHandlingConnection).inner, name, compile);
    } catch (e) {
      throw this.faults.translate(e, "savepoint");
    }
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    try {
      await this.#inner.rollbackToSavepoint!((connection as FaultHandlingConnection).inner, name, compile);
    } catch (e) {
      throw this.faults.translate(e, "savepoint");
    }
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    try {
      await this.#inner.releaseSavepoint!((connection as FaultHandlingConnection).inner, name, compile);
    } catch (e) {
      throw this.faults.translate(e, "savepoint");
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection((connection as FaultHandlingConnection).inner);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}
