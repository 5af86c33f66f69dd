import { randomUUID } from "node:crypto";
import pg from "pg";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseFlavour, libsqlUrl } from "./db.url";

/**
 * The driver adapter Prisma Migrate runs on (prisma.config.ts): the app's own
 * adapters, with the fixes Prisma 6.19's JS schema engine needs and the app's
 * queries do not (below). Proven by test/db/: deploy, and diffs through the
 * shadow database on both providers.
 */
export function migrationAdapter(url: string): PrismaPg | PrismaLibSQL {
  return databaseFlavour(url) === "postgres" ? postgresMigrationAdapter(url) : sqliteMigrationAdapter(url);
}

// ---- SQLite ----------------------------------------------------------------

/**
 * The schema engine replays migrations into the shadow database with one
 * executeRaw call per migration file, and libsql's execute runs only the first
 * statement of a script: the shadow database then holds the first table of each
 * migration, and `migrate diff --from-migrations` reports everything else as
 * missing (so a new migration would re-create existing tables). On the shadow
 * database (scratch, in memory) a script without parameters goes through
 * executeScript (sqlite3_exec semantics: every statement) instead.
 */
function sqliteMigrationAdapter(url: string): PrismaLibSQL {
  const factory = new PrismaLibSQL({ url: libsqlUrl(url) });
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const shadow = await connectToShadowDb();
    const executeRaw = shadow.executeRaw.bind(shadow);
    shadow.executeRaw = async (query) => {
      if (query.args.length > 0) return executeRaw(query);
      await shadow.executeScript(query.sql);
      return 0;
    };
    return shadow;
  };
  return factory;
}

// ---- Postgres --------------------------------------------------------------

// Catalog-only types the schema engine reads (text-encoded strings on the wire):
// "char" (OID 18: relkind, contype, ...) and name (OID 19: schema, table, index names).
const CATALOG_STRING_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

type Result = { fields?: { name: string; dataTypeID: number }[]; rows?: unknown[]; rowCount?: number | null };
type Callback = (error: Error | null, result?: Result) => void;

function namesAsText<T>(result: T): T {
  const results = Array.isArray(result) ? (result as Result[]) : [result as Result];
  for (const r of results) {
    for (const field of r?.fields ?? []) if (CATALOG_STRING_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    if (r) withoutNotNullConstraints(r);
  }
  return result;
}

/**
 * PostgreSQL 18 lists NOT NULL as constraints of their own (pg_constraint.contype
 * 'n'), and Prisma 6.19's schema engine, which asks for every contype but p, u
 * and f, crashes on them ("RuntimeError: unreachable" in `migrate diff`;
 * prisma/orm#29635). Nullability is read from the columns anyway, so those rows
 * are dropped from any catalog answer that has a constraint_type column.
 */
function withoutNotNullConstraints(result: Result): void {
  const index = result.fields?.findIndex((field) => field.name === "constraint_type") ?? -1;
  if (index < 0 || !result.rows) return;
  const type = (row: unknown) => (Array.isArray(row) ? row[index] : (row as Record<string, unknown>)?.constraint_type);
  result.rows = result.rows.filter((row) => type(row) !== "n");
  if (typeof result.rowCount === "number") result.rowCount = result.rows.length;
}

/**
 * A pg client that reports the catalog's `name` and `"char"` columns as `text`.
 * @prisma/adapter-pg 6.19 maps neither, so every migrate command failed reading
 * the catalog with "Column type 'name' could not be deserialized from the
 * database" (prisma/orm#27403; `"char"` next, when diffing). The values are plain
 * strings either way; only the declared type changes.
 */
class CatalogNamesAsTextClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      const last = args.at(-1);
      // pg-pool's pool.query calls client.query(text, values, callback).
      if (typeof last === "function") {
        const callback = last as Callback;
        return query(...args.slice(0, -1), (error: Error | null, result?: Result) => callback(error, result && namesAsText(result)));
      }
      const returned = query(...args);
      return returned instanceof Promise ? returned.then(namesAsText) : returned;
    }) as pg.Client["query"];
  }
}

function poolConfig(url: string): pg.PoolConfig {
  return {
    connectionString: url,
    // The Prisma CLI never closes the pool: let the process exit once its clients are idle.
    allowExitOnIdle: true,
    Client: CatalogNamesAsTextClient as unknown as pg.PoolConfig["Client"],
  };
}

/**
 * Our own shadow database for `migrate diff --from-migrations` (and `migrate
 * dev`): an empty database beside DATABASE_URL's, dropped afterwards. The
 * adapter's own opens { ...config, database } and pg lets the connection string
 * override that database, so the migrations were replayed into the real database
 * ("relation already exists"); and it drops the shadow database before closing
 * its pool, which Postgres refuses while connections are open.
 */
function postgresMigrationAdapter(url: string): PrismaPg {
  const factory = new PrismaPg(poolConfig(url));
  factory.connectToShadowDb = async () => {
    const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "")}`;
    await onAdminConnection(url, (admin) => admin.query(`CREATE DATABASE "${name}"`));
    const shadowUrl = new URL(url);
    shadowUrl.pathname = `/${name}`;
    const shadow = await new PrismaPg(poolConfig(shadowUrl.toString())).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await onAdminConnection(url, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}"`));
    };
    return shadow;
  };
  return factory;
}

async function onAdminConnection(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
