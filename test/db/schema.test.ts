import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient } from "@libsql/client";
import { postgresSchemaFrom } from "../../scripts/sync-postgres-schema";
import { runPrisma } from "../support/postgres";

// The datamodel is written once (prisma/schema.prisma, SQLite) and shipped twice:
// these tests fail when one side is edited and the other forgotten.
const ROOT = path.resolve(import.meta.dirname, "../..");
const SQLITE_SCHEMA = path.join(ROOT, "prisma/schema.prisma");
const SQLITE_MIGRATIONS = path.join(ROOT, "prisma/migrations");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "partner-sync-schema-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("one datamodel, two providers", () => {
  it("the committed prisma/postgres/schema.prisma is what scripts/sync-postgres-schema.ts makes of prisma/schema.prisma", () => {
    const generated = postgresSchemaFrom(readFileSync(SQLITE_SCHEMA, "utf8"));
    expect(readFileSync(path.join(ROOT, "prisma/postgres/schema.prisma"), "utf8")).toBe(generated);
  });

  it("the Postgres schema differs from the SQLite one only in its provider, its client's output and the header", () => {
    const sqlite = readFileSync(SQLITE_SCHEMA, "utf8");
    const postgres = postgresSchemaFrom(sqlite);
    const models = (schema: string) => schema.slice(schema.indexOf("\nmodel "));
    expect(models(postgres)).toBe(models(sqlite));
    expect(postgres).toMatch(/provider = "postgresql"/);
    expect(postgres).toMatch(/output\s+= "..\/..\/node_modules\/.prisma\/client-postgres"/);
  });
});

describe("SQLite migrations", () => {
  it("the committed SQLite migrations produce exactly prisma/schema.prisma", async () => {
    const diff = await runPrisma(["migrate", "diff", "--from-migrations", SQLITE_MIGRATIONS, "--to-schema-datamodel", SQLITE_SCHEMA, "--exit-code"], `file:${path.join(dir, "dev.sqlite")}`);

    expect(diff.output).toMatch(/No difference detected/);
    expect(diff.status).toBe(0);
  });

  it("the same diff reports a datamodel change that no migration makes", async () => {
    const drifted = path.join(dir, "schema.prisma");
    writeFileSync(drifted, readFileSync(SQLITE_SCHEMA, "utf8").replace(/(model SyncJob \{\n)/, "$1  driftCheck String?\n"));

    const diff = await runPrisma(["migrate", "diff", "--from-migrations", SQLITE_MIGRATIONS, "--to-schema-datamodel", drifted, "--exit-code"], `file:${path.join(dir, "dev.sqlite")}`);

    expect(diff.status).toBe(2);
    expect(diff.output).toMatch(/Added column `driftCheck`/);
    // Only that column: the migrations' own tables were all replayed.
    expect(diff.output).not.toMatch(/Added tables/);
  });

  it("prisma migrate deploy (npm run setup) applies every committed migration to a fresh SQLite file", async () => {
    const file = path.join(dir, "setup.sqlite");

    const deploy = await runPrisma(["migrate", "deploy"], `file:${file}`);

    expect(deploy.status).toBe(0);
    const client = createClient({ url: `file:${file}` });
    try {
      const applied = await client.execute("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name");
      const committed = readdirSync(SQLITE_MIGRATIONS, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
      expect(applied.rows.map((r) => r.migration_name)).toEqual(committed);
      const tables = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name");
      const models = [...readFileSync(SQLITE_SCHEMA, "utf8").matchAll(/^model (\w+) \{/gm)].map((m) => m[1]!).sort();
      expect(tables.rows.map((r) => r.name)).toEqual(models);
    } finally {
      client.close();
    }
  });
});
