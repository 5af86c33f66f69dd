import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import type { PrismaClient as PostgresPrismaClient } from ".prisma/client-postgres";
import type { Client, Config } from "@libsql/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseFlavour, defaultDatabaseUrl, libsqlUrl } from "./db.url";
import { immediateTransactions, takingTurns } from "./db.sqlite-locking";
import { SqliteGate, type SqliteDirect } from "./db.sqlite-direct";

/**
 * A Prisma client on the driver adapter that DATABASE_URL calls for (SQLite file
 * or Postgres). A generated client serves one provider, so there are two
 * (scripts/generate-prisma-clients.sh): @prisma/client for SQLite, and
 * .prisma/client-postgres for Postgres, loaded only when a Postgres URL is given.
 */
export function createDb(url: string = process.env.DATABASE_URL ?? defaultDatabaseUrl, options: DbOptions = {}): PrismaClient {
  if (databaseFlavour(url) === "postgres") return createPostgresDb(url, options.poolSize);
  // SQLite: the app, a separate worker and the CLI write the same file; wait for a
  // lock instead of failing at once with SQLITE_BUSY.
  const config = { url: libsqlUrl(url), timeout: SQLITE_BUSY_TIMEOUT_MS };
  const gate: SqliteGate = new SqliteGate((): Promise<void> => client.$connect());
  const client: PrismaClient = new PrismaClient({ adapter: new LockingLibSQL(config, options.sqliteImmediate ?? false, options.sqliteTurnsMs ?? 0, gate) });
  directs.set(client, gate);
  return client;
}

const directs = new WeakMap<PrismaClient, SqliteDirect>();

/** Statements on the SQLite driver under this client (app/db.sqlite-direct.ts); null on Postgres. */
export function sqliteDirectOf(db: PrismaClient): SqliteDirect | null {
  return directs.get(db) ?? null;
}

export interface DbOptions {
  /** Postgres: this process's pool size (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /**
   * SQLite: begin every transaction IMMEDIATE (app/db.sqlite-locking.ts). The app's processes
   * do (createAppContext); off by default because SQLite's busy wait blocks the thread, so
   * two clients of one process (tests standing in for two processes) would wait on each other.
   */
  sqliteImmediate?: boolean;
  /** SQLite: leave this long between two writes, so that another process gets the lock (app/db.sqlite-locking.ts). */
  sqliteTurnsMs?: number;
}

/** libsql with, where asked, transactions begun IMMEDIATE and turns taken at the write lock (app/db.sqlite-locking.ts), and the gate that keeps direct statements out of Prisma's transactions. */
class LockingLibSQL extends PrismaLibSQL {
  constructor(
    config: Config,
    private readonly immediate: boolean,
    private readonly turnsMs: number,
    private readonly gate: SqliteGate,
  ) {
    super(config);
  }
  override createClient(config: Config): Client {
    const plain = super.createClient(config);
    const client = this.immediate ? immediateTransactions(plain) : plain;
    return this.gate.wrap(this.turnsMs > 0 ? takingTurns(client, this.turnsMs) : client);
  }
}

// CommonJS resolution: ".prisma/..." is not a valid ESM package name, and the
// generated client is CommonJS (as @prisma/client itself loads .prisma/client).
const requireFromHere = createRequire(import.meta.url);

function createPostgresDb(url: string, poolSize?: number): PrismaClient {
  let generated: { PrismaClient: typeof PostgresPrismaClient };
  try {
    generated = requireFromHere(".prisma/client-postgres") as typeof generated;
  } catch (error) {
    throw new Error("DATABASE_URL is a Postgres URL but the Postgres Prisma client is not generated: run `npm run setup` (or bash scripts/generate-prisma-clients.sh).", { cause: error });
  }
  // Each process keeps its own pool: the server's max_connections must cover every process's (DATABASE_POOL_SIZE).
  const client = new generated.PrismaClient({ adapter: new PrismaPg({ connectionString: url, ...(poolSize ? { max: poolSize } : {}) }) });
  // The app is typed against the SQLite client. Both are generated from one
  // datamodel (test/db/schema.test.ts), and where their types differ the
  // Postgres client accepts more (isolation levels, case-insensitive filters), so
  // every call the app makes is valid on both; test/db/postgres.test.ts runs them.
  return client as unknown as PrismaClient;
}

const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * Once per long-running process: SQLite in WAL mode lets readers (the admin,
 * the CLI) work while the worker writes. The mode is stored in the file.
 */
export async function prepareDatabase(db: PrismaClient, url: string): Promise<void> {
  if (databaseFlavour(url) === "sqlite") await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
}
