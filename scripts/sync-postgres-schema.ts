// Writes prisma/postgres/schema.prisma from prisma/schema.prisma: Prisma binds a
// schema to one provider, and we ship SQLite (default) and Postgres from one datamodel.
// Run after editing prisma/schema.prisma, then create a migration for each provider (README).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

export function postgresSchemaFrom(sqliteSchema: string): string {
  const out = sqliteSchema
    .replace(/provider = "sqlite"/, 'provider = "postgresql"')
    // A fixed URL, as in the SQLite schema: the driver adapter brings the real
    // connection (DATABASE_URL), and `prisma generate` must not need the variable.
    .replace(/url\s*=\s*"file:[^"]*"/, 'url      = "postgresql://unused:unused@localhost:5432/unused"')
    .replace(/^\/\/ Source of the datamodel[\s\S]*?edit here only\.\n/m, "// GENERATED from prisma/schema.prisma by scripts/sync-postgres-schema.ts. Do not edit.\n")
    // A generated client serves one provider; the Postgres one lives beside the
    // SQLite one (node_modules/.prisma/client) and app/db.server.ts picks by URL.
    .replace(/(generator client \{\n\s*provider\s*= "prisma-client-js"\n)/, '$1  output          = "../../node_modules/.prisma/client-postgres"\n');
  if (out === sqliteSchema || !out.includes('provider = "postgresql"') || !out.includes("client-postgres")) {
    throw new Error("prisma/schema.prisma no longer has the expected generator and sqlite datasource blocks");
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync("prisma/postgres", { recursive: true });
  writeFileSync("prisma/postgres/schema.prisma", postgresSchemaFrom(readFileSync("prisma/schema.prisma", "utf8")));
  console.log("wrote prisma/postgres/schema.prisma");
}
