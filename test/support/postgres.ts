import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * A throwaway PostgreSQL server for one test file: initdb into a temp dir, start
 * on a free loopback port, drop everything on stop. It never touches a cluster
 * the machine already runs (port 5432, the distribution's data dirs).
 */
export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth, loopback only). */
  adminUrl: string;
  port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Thrown when this machine cannot run a Postgres server; the message says what to install. */
export class PostgresUnavailableError extends Error {
  override name = "PostgresUnavailableError";
}

/**
 * The server binaries (initdb, postgres): from PG_BINDIR only, if set; else the
 * newest of Debian's /usr/lib/postgresql/<version>/bin, else whatever PATH has.
 */
export function findPostgresBinaries(): { initdb: string; postgres: string } {
  const dirs = process.env.PG_BINDIR ? [process.env.PG_BINDIR] : [...debianBinDirs(), ...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const initdb = path.join(dir, "initdb");
    const postgres = path.join(dir, "postgres");
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres };
  }
  throw new PostgresUnavailableError(
    `The Postgres tests need a PostgreSQL server (initdb and postgres), and none was found in ${process.env.PG_BINDIR ? `PG_BINDIR (${process.env.PG_BINDIR})` : "/usr/lib/postgresql/*/bin or PATH"}. ` +
      "Install Debian's `postgresql` package: `bash scripts/install-system-deps.sh` (as root, or with sudo).",
  );
}

/** /usr/lib/postgresql/<version>/bin, newest version first. */
function debianBinDirs(): string[] {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(base, v, "bin"));
}

/**
 * Postgres refuses to run as root. As root we run initdb and the server as the
 * `postgres` OS user that Debian's package creates; otherwise as ourselves.
 */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) {
    throw new PostgresUnavailableError(
      "Running as root, the Postgres tests start the server as the `postgres` OS user, and there is none. Install Debian's `postgresql` package (bash scripts/install-system-deps.sh), which creates it.",
    );
  }
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBinaries();
  const user = serverUser();
  const dir = mkdtempSync(path.join(tmpdir(), "partner-sync-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const asServerUser: SpawnOptions = user ? { uid: user.uid, gid: user.gid, cwd: dir } : { cwd: dir };
  const data = path.join(dir, "data");

  try {
    // Trust auth on loopback only; no fsync: the data dies with the test.
    const init = spawnSync(bin.initdb, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"], {
      ...asServerUser,
      encoding: "utf8",
      env: { ...process.env, LC_ALL: "C" },
    });
    if (init.status !== 0) throw new PostgresUnavailableError(`initdb failed (${bin.initdb}):\n${init.stderr || init.stdout || init.error}`);

    // A free port can be taken between our probe and the server's bind: try a few.
    let lastLog = "";
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const started = await startServer(bin.postgres, data, dir, port, asServerUser);
      if ("server" in started) return handle(started.server, port, dir);
      lastLog = started.log;
      if (!/could not bind|Address already in use/i.test(lastLog)) break;
    }
    throw new PostgresUnavailableError(`The throwaway Postgres server did not start (${bin.postgres}):\n${lastLog}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startServer(postgresBin: string, data: string, socketDir: string, port: number, options: SpawnOptions): Promise<{ server: ChildProcess } | { log: string }> {
  const server = spawn(
    postgresBin,
    ["-D", data, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${socketDir}`, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=50"],
    { ...options, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  server.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  let exited = false;
  server.once("exit", () => (exited = true));
  server.once("error", (error) => {
    exited = true;
    log += String(error);
  });

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) return { log };
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    try {
      await client.connect();
      await client.end();
      return { server };
    } catch {
      await client.end().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  server.kill("SIGKILL");
  return { log: `${log}\n(no connection after 30 s)` };
}

function handle(server: ChildProcess, port: number, dir: string): TestPostgres {
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
        // SIGINT is Postgres's "fast" shutdown: open sessions are cut, no waiting for clients.
        server.kill("SIGINT");
        const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface PrismaCliResult {
  status: number | null;
  output: string;
}

/**
 * Runs the project's Prisma CLI (prisma.config.ts: the JS schema engine on the
 * driver adapter that DATABASE_URL picks), as `npm run setup` would.
 */
export function runPrisma(args: string[], databaseUrl: string): Promise<PrismaCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "node_modules", ".bin", "prisma"), args, {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, output }));
  });
}
