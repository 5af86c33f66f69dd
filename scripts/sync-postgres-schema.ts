// Writes prisma/postgres/schema.prisma from prisma/schema.prisma: Prisma binds a
// schema to one provider, and we ship SQLite (default) and Postgres from one datamodel.
// Run after editing prisma/schema.prisma, then create a migration for each provider (README).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

export function postgresSchemaFrom(sqliteSchema: string): string {
  const out = sqliteSchema
    .replace(/provider = "sqlite"/, 'provider = "postgresql"')
    .replace(/url\s*=\s*"file:[^"]*"/, 'url      = env("DATABASE_URL")')
    .replace(/^\/\/ Source of the datamodel[\s\S]*?edit here only\.\n/m, "// GENERATED from prisma/schema.prisma by scripts/sync-postgres-schema.ts. Do not edit.\n");
  if (out === sqliteSchema || !out.includes('provider = "postgresql"')) {
    throw new Error("prisma/schema.prisma no longer has the expected sqlite datasource block");
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync("prisma/postgres", { recursive: true });
  writeFileSync("prisma/postgres/schema.prisma", postgresSchemaFrom(readFileSync("prisma/schema.prisma", "utf8")));
  console.log("wrote prisma/postgres/schema.prisma");
}
