import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import type { PrismaClient } from "@prisma/client";
import { createDb } from "~/db.server";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../prisma/migrations");

export interface TestDb {
  db: PrismaClient;
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** A fresh SQLite file with the committed migrations applied (the same SQL `prisma migrate deploy` runs). */
export async function createTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(path.join(tmpdir(), "partner-sync-test-"));
  const url = `file:${path.join(dir, "test.sqlite")}`;
  const client = createClient({ url });
  for (const name of readdirSync(MIGRATIONS)
    .filter((n) => /^\d+_/.test(n))
    .sort()) {
    await client.executeMultiple(readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
  }
  client.close();
  const db = createDb(url);
  return {
    db,
    url,
    dir,
    async close() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
