// The operator's backfill and reconciliation commands (app/cli/main.ts):
// they record what to do and follow it; a worker process does the work
// (app/sync/backfill-runner.server.ts), as it does for the admin's buttons.
import type { PrismaClient } from "@prisma/client";
import { isPartnerId, PARTNERS } from "~/connectors/types";
import { backfillView, cancelBackfill, formatEta, listBackfills, startBackfill, type BackfillView } from "~/sync/backfill.server";
import { reconcileView, requestReconciliation } from "~/sync/reconcile.server";
import { renderTable } from "./table";
// A command line mistake: main.ts prints it with the usage (exit 2).
import { UsageError } from "./main";

export interface HistoryCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

/** How often a followed backfill or reconciliation is looked at (CLI_POLL_MS; tests make it short). */
const pollMs = (io: HistoryCliIo) => Number(io.env.CLI_POLL_MS ?? 2000) || 2000;
/** With nothing moving this long, say once that a worker must be running. */
const NO_WORKER_HINT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function progressLine(view: BackfillView): string {
  const percent = `${Math.floor(view.progress * 100)}%`;
  const eta = formatEta(view.etaSeconds);
  const left = eta ? ` ${eta.charAt(0).toUpperCase()}${eta.slice(1)} left.` : "";
  return `[${percent.padStart(4)}] ${view.summary}${left}`;
}

export async function backfillCommand(db: PrismaClient, io: HistoryCliIo, shop: string, options: { since?: string; partner?: string; detach?: boolean }): Promise<number> {
  if (!options.since || !/^\d{4}-\d{2}-\d{2}$/.test(options.since)) throw new UsageError("missing --since <YYYY-MM-DD> (the first day whose orders are sent)");
  const since = new Date(`${options.since}T00:00:00Z`);
  if (Number.isNaN(since.getTime())) throw new UsageError(`--since ${options.since} is not a date`);
  if (options.partner && !isPartnerId(options.partner)) throw new UsageError(`--partner must be one of ${PARTNERS.join(", ")}`);
  const started = await startBackfill(db, shop, { since, partner: options.partner && isPartnerId(options.partner) ? options.partner : null });
  if (!started.ok) {
    io.err(started.message);
    return 1;
  }
  io.out(`Backfill ${started.id} started for ${shop}: orders since ${options.since}, ${options.partner ?? "every partner set up"}.`);
  if (options.detach) {
    io.out(`A worker runs it; follow it with: npm run cli -- sync:status ${shop}`);
    return 0;
  }
  return followBackfill(db, io, shop, started.id);
}

async function followBackfill(db: PrismaClient, io: HistoryCliIo, shop: string, id: string): Promise<number> {
  let last = "";
  let lastChange = Date.now();
  let hinted = false;
  for (;;) {
    const row = await db.backfill.findFirst({ where: { id, shop } });
    if (!row) {
      io.err(`Backfill ${id} is gone.`);
      return 1;
    }
    const view = backfillView(row);
    const line = progressLine(view);
    if (line !== last) {
      io.out(line);
      last = line;
      lastChange = Date.now();
    } else if (!hinted && Date.now() - lastChange > NO_WORKER_HINT_MS && !row.leaseOwner) {
      io.err("Nothing has moved for 30 s: is a worker running (npm run worker, or the app with WORKER=on)?");
      hinted = true;
    }
    if (!view.active) return view.status === "finished" ? 0 : 1;
    await sleep(pollMs(io));
  }
}

export async function cancelBackfillCommand(db: PrismaClient, io: HistoryCliIo, shop: string): Promise<number> {
  const [latest] = await listBackfills(db, shop, { take: 1 });
  if (!latest || !(await cancelBackfill(db, shop, latest.id))) {
    io.err(`No backfill is running for ${shop}.`);
    return 1;
  }
  io.out(`Backfill ${latest.id} cancelled: nothing more is read, and its orders not yet sent are not sent.`);
  return 0;
}

export async function reconcileCommand(db: PrismaClient, io: HistoryCliIo, shop: string, options: { detach?: boolean }): Promise<number> {
  const installed = await db.shop.findUnique({ where: { shop } });
  if (!installed) {
    io.err(`${shop} is not installed.`);
    return 1;
  }
  const requested = await requestReconciliation(db, shop);
  io.out(`Reconciliation of ${shop} asked for: a worker runs it at its next pass.`);
  if (options.detach) return 0;
  const started = Date.now();
  let hinted = false;
  for (;;) {
    const row = await db.reconciliation.findUnique({ where: { shop } });
    if (row && !row.requestedAt && row.status === "idle" && row.lastFinishedAt && row.lastFinishedAt >= requested) {
      io.out((await reconcileView(db, shop)).summary);
      return row.error ? 1 : 0;
    }
    if (!hinted && Date.now() - started > NO_WORKER_HINT_MS) {
      io.err("No worker has taken it yet: is a worker running (npm run worker, or the app with WORKER=on)?");
      hinted = true;
    }
    await sleep(pollMs(io));
  }
}

/** What sync:status prints after the jobs: the shop's backfills and its last reconciliation. */
export async function historyStatusLines(db: PrismaClient, shop: string): Promise<string[]> {
  const lines: string[] = [];
  const backfills = (await listBackfills(db, shop, { take: 10 })).map((row) => backfillView(row));
  if (backfills.length > 0) {
    lines.push("", "Backfills (newest first):");
    lines.push(
      renderTable(
        backfills.map((b) => ({
          id: b.id,
          partner: b.partner ?? "all",
          since: b.since,
          status: b.status,
          progress: `${Math.floor(b.progress * 100)}%`,
          read: `${b.ordersRead}/${b.ordersTotal ?? "?"}`,
          queued: b.queued,
          synced: b.synced,
          failed: b.failed,
          skipped: b.skipped,
          upToDate: b.unchanged,
          eta: formatEta(b.etaSeconds) ?? "",
        })),
        ["id", "partner", "since", "status", "progress", "read", "queued", "synced", "failed", "skipped", "upToDate", "eta"],
      ),
    );
    for (const b of backfills.filter((view) => view.error && view.active)) lines.push(`  ${b.id}: ${b.error}`);
  }
  lines.push("", `Reconciliation: ${(await reconcileView(db, shop)).summary}`);
  return lines;
}
