// A worker in its own process, as `npm run worker` runs it, for the crash test:
// the test kills it with SIGKILL in the middle of a job.
import { createAppContext } from "~/context.server";
import { startWorker } from "~/sync/worker.server";

const ctx = createAppContext(process.env);
const worker = startWorker(ctx.runner, { concurrency: 1, pollIntervalMs: 50 });
process.stdout.write(`worker ${worker.id} started\n`);
