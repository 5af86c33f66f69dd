import { PrismaClient } from "@prisma/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseFlavour, defaultDatabaseUrl, libsqlUrl } from "./db.url";

export type Db = PrismaClient;

/** A Prisma client on the driver adapter that DATABASE_URL calls for (SQLite file or Postgres). */
export function createDb(url: string = process.env.DATABASE_URL ?? defaultDatabaseUrl): PrismaClient {
  // SQLite: the app, a separate worker and the CLI write the same file; wait for a
  // lock instead of failing at once with SQLITE_BUSY.
  const adapter = databaseFlavour(url) === "postgres" ? new PrismaPg({ connectionString: url }) : new PrismaLibSQL({ url: libsqlUrl(url), timeout: SQLITE_BUSY_TIMEOUT_MS });
  return new PrismaClient({ adapter });
}

const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * Once per long-running process: SQLite in WAL mode lets readers (the admin,
 * the CLI) work while the worker writes. The mode is stored in the file.
 */
export async function prepareDatabase(db: PrismaClient, url: string): Promise<void> {
  if (databaseFlavour(url) === "sqlite") await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
}

declare global {
  var __partnerSyncDb: PrismaClient | undefined;
}

/** The process's client, created on first use (Remix dev reloads modules; keep one pool). */
export function db(): PrismaClient {
  globalThis.__partnerSyncDb ??= createDb();
  return globalThis.__partnerSyncDb;
}
