import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from "kysely";

/**
 * SQLite's plain `begin` starts a read transaction that upgrades to a write on its first write; if
 * another process (a second server, the CLI) wrote in between, the upgrade fails at once with
 * SQLITE_BUSY: waiting could deadlock, so busy_timeout does not apply. Transactions here exist to
 * write, so each takes the write lock up front with `begin immediate` and waits its turn under
 * busy_timeout instead.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #settings: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#settings = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}
