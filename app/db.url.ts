import path from "node:path";

export type DatabaseFlavour = "sqlite" | "postgres";

/** Where the store lives when DATABASE_URL is unset: a SQLite file beside the schema. */
export const defaultDatabaseUrl = "file:./prisma/dev.sqlite";

export function databaseFlavour(url: string): DatabaseFlavour {
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgres";
  if (url.startsWith("file:")) return "sqlite";
  throw new Error(`DATABASE_URL must be a SQLite file URL (file:./prisma/dev.sqlite) or a Postgres URL (postgres://user:pass@host:5432/db); got "${url.replace(/\/\/[^@]*@/, "//***@")}"`);
}

/** libsql resolves relative file URLs against the working directory; make them absolute so the CLI, the app and tests agree. */
export function libsqlUrl(url: string): string {
  const file = url.slice("file:".length);
  return `file:${path.resolve(file)}`;
}
