// Production entry: serves the built Remix app on PORT and runs the sync worker
// in the same process (WORKER=off to run workers separately: npm run worker).
import { createServer } from "node:http";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import path from "node:path";
import { existsSync } from "node:fs";
import { appContext } from "./app/context.server";
import { prepareDatabase } from "./app/db.server";
import { ConfigError } from "./app/config.server";
import { startWorker } from "./app/sync/worker.server";
import { startInboxSweeper } from "./app/sync/inbox.server";
import { startContextHistoryTasks } from "./app/sync/backfill-runner.server";
import { webhookEndpoint } from "./app/sync/webhook-endpoint.server";

async function main() {
  const ctx = appContext();
  // APP_BUILD_DIR: where `remix vite:build` wrote the app (vite.config.ts); the browser tests use their own.
  const buildDir = path.resolve(process.env.APP_BUILD_DIR || "build");
  const buildPath = path.join(buildDir, "server/index.js");
  if (!existsSync(buildPath)) throw new ConfigError(`No build found at ${buildPath}: run \`npm run build\` first`);
  await prepareDatabase(ctx.db, ctx.env.DATABASE_URL);
  const app = express();
  app.disable("x-powered-by");
  app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build: await import(buildPath) }));
  // Webhooks are answered before Express sees them: at a busy shop's rate its
  // middleware chain costs more than the webhook's own work (webhook-endpoint.server.ts).
  const webhooks = webhookEndpoint(ctx);
  const server = createServer((req, res) => (req.method === "POST" && req.url?.startsWith("/webhooks/") ? void webhooks(req, res) : app(req, res)));
  server.listen(ctx.env.PORT, () => ctx.logger.info("app listening", { port: ctx.env.PORT, worker: ctx.env.WORKER }));
  const worker = ctx.env.WORKER === "on" ? startWorker(ctx.runner, { concurrency: ctx.env.WORKER_CONCURRENCY }) : null;
  // Backfills (resumed where they were) and the shops' scheduled reconciliations run beside the worker.
  const history = ctx.env.WORKER === "on" ? startContextHistoryTasks(ctx) : null;
  const stopSweeper = startInboxSweeper(ctx.inbox);

  const shutdown = async (signal: string) => {
    ctx.logger.info("shutting down", { signal });
    server.close();
    stopSweeper();
    await history?.stop();
    await worker?.stop();
    // pg-boss's pool and its LISTEN connection (Postgres); nothing on SQLite.
    await ctx.runner.queue.close();
    await ctx.db.$disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
