// npm run worker: the sync worker on its own (run the app with WORKER=off).
import { appContext } from "~/context.server";
import { prepareDatabase } from "~/db.server";
import { ConfigError } from "~/config.server";
import { startWorker } from "~/sync/worker.server";
import { startInboxSweeper } from "~/sync/inbox.server";
import { startContextHistoryTasks } from "~/sync/backfill-runner.server";

/** Long enough for SQLite's busy wait in another process to catch the lock (its first tries are 1 and 2 ms apart). */
const WORKER_SQLITE_TURN_MS = 1;

try {
  // On SQLite this process leaves the write lock free for a moment after each write, so the
  // web process's webhooks are not starved while it drains a backlog (app/db.sqlite-locking.ts).
  const ctx = appContext({ sqliteTurnsMs: WORKER_SQLITE_TURN_MS });
  await prepareDatabase(ctx.db, ctx.env.DATABASE_URL);
  const worker = startWorker(ctx.runner, { concurrency: ctx.env.WORKER_CONCURRENCY });
  // Deliveries a web process appended but did not merge (it stopped in between).
  const stopSweeper = startInboxSweeper(ctx.inbox);
  // Backfills (resumed where they were) and the shops' scheduled reconciliations.
  const history = startContextHistoryTasks(ctx);
  ctx.logger.info("worker started", { id: worker.id });
  const stop = async () => {
    stopSweeper();
    await history.stop();
    await worker.stop();
    await ctx.runner.queue.close();
    await ctx.db.$disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
