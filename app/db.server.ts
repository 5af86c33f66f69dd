import { PrismaClient } from "@prisma/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseFlavour, defaultDatabaseUrl, libsqlUrl } from "./db.url";

export type Db = PrismaClient;

/** A Prisma client on the driver adapter that DATABASE_URL calls for (SQLite file or Postgres). */
export function createDb(url: string = process.env.DATABASE_URL ?? defaultDatabaseUrl): PrismaClient {
  const adapter = databaseFlavour(url) === "postgres" ? new PrismaPg({ connectionString: url }) : new PrismaLibSQL({ url: libsqlUrl(url) });
  return new PrismaClient({ adapter });
}

declare global {
  var __partnerSyncDb: PrismaClient | undefined;
}

/** The process's client, created on first use (Remix dev reloads modules; keep one pool). */
export function db(): PrismaClient {
  globalThis.__partnerSyncDb ??= createDb();
  return globalThis.__partnerSyncDb;
}
