// npm run bench (backfill part): a store's history of BENCH_BACKFILL_ORDERS orders
// (100,000 by default, derived from the fixtures) held by the Admin API stand-in,
// backfilled by the app in a process of its own: Shopify's export (the stand-in's
// bulk operation), the JSONL streamed and every order recorded with its job.
// Prints orders/s and the backfilling process's peak RSS beside their targets.
// Figures are printed, never asserted. Run it alone: npx tsx scripts/bench/backfill.ts
import { spawn } from "node:child_process";
import { build } from "esbuild";
import { loadavg } from "node:os";
import path from "node:path";
import { startShopifyAdminStandIn } from "../../test/simulators/shopify-admin";
import { historyOrders, postHistory } from "../../test/simulators/history-orders";
import { workerNodeFlags } from "./runner";
import { fmt, renderTable } from "./table";

const ORDERS = Number(process.env.BENCH_BACKFILL_ORDERS ?? 100_000);
/** Targets: memory that does not grow with the store's history, and 100,000 orders in under ten minutes. */
const TARGET_RSS_MIB = 256;
const TARGET_ORDERS_PER_SEC = 170;
const CHUNK = 1_000;

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

const admin = await startShopifyAdminStandIn();
try {
  const since = new Date("2024-01-01T00:00:00Z");
  log(`giving the stand-in ${ORDERS.toLocaleString("en")} orders (POST /_local/orders, ${CHUNK} a request)`);
  for (let first = 0; first < ORDERS; first += CHUNK) {
    const count = Math.min(CHUNK, ORDERS - first);
    await postHistory(admin.url, historyOrders(count, { from: new Date(since.getTime() + first * 60_000), firstId: 7_000_000_000_000n + BigInt(first), namePrefix: `H${first / CHUNK}-` }), CHUNK);
  }
  // Compiled as build/bin's entries are (scripts/build-server.ts), so the process measured is plain node, no TypeScript loader.
  const childJs = path.resolve("build/bench/backfill-child.js");
  await build({
    entryPoints: [path.resolve("scripts/bench/backfill-child.ts")],
    outfile: childJs,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    tsconfig: path.resolve("tsconfig.json"),
    logLevel: "warning",
  });
  log(`backfilling them in a process of its own (node ${workerNodeFlags().join(" ")} ${path.relative(process.cwd(), childJs)})`);
  const child = spawn(process.execPath, [...workerNodeFlags(), childJs, admin.url, since.toISOString()], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as {
    status?: string;
    error?: string;
    orders?: number;
    queued?: number;
    exportS?: number;
    readS?: number;
    totalS?: number;
    peakRssMiB?: number;
    rssAtReadingMiB?: number;
    readCpuS?: number;
    memory?: Record<string, number>;
  };
  if (code !== 0 || result.status !== "syncing") log(`the backfill did not read every order: exit ${code}, ${JSON.stringify(result)}`);
  const perSec = result.orders && result.readS ? result.orders / result.readS : undefined;
  const file = [...admin.history.operations.values()].at(-1);
  console.log(
    `\nBackfill (SQLite, one process; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")})\n`,
  );
  console.log(
    renderTable(
      ["figure", "measured", "target"],
      [
        ["orders backfilled (read, recorded, job queued)", `${fmt(result.orders)} / ${fmt(result.queued)} jobs`, `${ORDERS.toLocaleString("en")}`],
        ["Shopify's export (the stand-in's bulk operation)", fmt(result.exportS, 1, " s"), `JSONL ${fmt((file?.fileSize ?? 0) / 1024 / 1024, 0, " MiB")}, ${fmt(file?.objectCount)} lines`],
        ["reading and recording", fmt(result.readS, 1, " s"), ""],
        ["orders/s", fmt(perSec, 0), `>= ${TARGET_ORDERS_PER_SEC} (100,000 in under 10 min)`],
        ["orders per CPU-second of the backfilling process", fmt(result.orders && result.readCpuS ? result.orders / result.readCpuS : undefined, 0), "(the rate with a core of its own)"],
        ["peak RSS of the backfilling process", fmt(result.peakRssMiB, 0, " MiB"), `< ${TARGET_RSS_MIB} MiB`],
        ["  of which before reading the file", fmt(result.rssAtReadingMiB, 0, " MiB"), "(the app's context: Prisma, the Shopify library)"],
        ["  at the end: JS heap used / total", `${fmt(result.memory?.heapUsed, 0)} / ${fmt(result.memory?.heapTotal, 0, " MiB")}`, "(the rest of the RSS is outside the JS heap)"],
        [
          "  at the end: external / array buffers",
          `${fmt(result.memory?.external, 0)} / ${fmt(result.memory?.arrayBuffers, 0, " MiB")}`,
          "(what Node tracks outside the heap; the rest is native: SQLite's and WebAssembly memory)",
        ],
      ],
    ),
  );
} finally {
  await admin.close();
}
