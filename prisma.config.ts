import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseFlavour, defaultDatabaseUrl } from "./app/db.url";
import { migrationAdapter } from "./app/db.migrate-adapters";

// The native schema engine cannot be downloaded on our machines, so migrations
// run on Prisma's JS schema engine through the app's driver adapters (with the
// fixes Migrate needs: app/db.migrate-adapters.ts).
const url = process.env.DATABASE_URL ?? defaultDatabaseUrl;
const flavour = databaseFlavour(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  // One datamodel, two providers: prisma/schema.prisma (SQLite) is the source,
  // prisma/postgres/ is generated from it by scripts/sync-postgres-schema.ts.
  schema: flavour === "postgres" ? path.join("prisma", "postgres", "schema.prisma") : path.join("prisma", "schema.prisma"),
  migrations: {
    path: flavour === "postgres" ? path.join("prisma", "postgres", "migrations") : path.join("prisma", "migrations"),
  },
  async adapter() {
    return migrationAdapter(url);
  },
});
