import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin, type UserConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// `shopify app dev` gives the app's tunnel URL as HOST (and APP_URL), not as
// SHOPIFY_APP_URL, which the app reads (app/config.server.ts). Set here, it
// reaches the routes: the dev server runs them in this process. Only an http(s)
// URL: some shells (zsh) set HOST to the machine's name.
const cliHost = process.env.HOST;
if (cliHost && /^https?:\/\//.test(cliHost) && (!process.env.SHOPIFY_APP_URL || process.env.SHOPIFY_APP_URL === cliHost)) {
  process.env.SHOPIFY_APP_URL = cliHost;
  delete process.env.HOST;
}

const appUrl = process.env.SHOPIFY_APP_URL;
const host = appUrl && URL.canParse(appUrl) ? new URL(appUrl).hostname : "localhost";

// Hot reload through the tunnel: the admin loads the app over https on 443, so the
// browser's HMR socket must too; the CLI forwards it to the app's own port
// (FRONTEND_PORT, the same as PORT for a web with both roles), where Vite shares
// the HTTP server. On localhost a socket of its own.
const hmrConfig =
  host === "localhost" ? { protocol: "ws", host: "localhost", port: 64999, clientPort: 64999 } : { protocol: "wss", host, port: Number(process.env.FRONTEND_PORT) || 8002, clientPort: 443 };

/**
 * The sync worker inside the dev server (`remix vite:dev`), as server.ts runs it
 * in production, so webhooks received during `shopify app dev` are synced.
 * WORKER=off leaves it out (then `npm run worker:dev` beside it). Its modules are loaded
 * once: restart the dev server to run edited worker code.
 */
function syncWorkerInDev(): Plugin {
  return {
    name: "partner-sync-dev-worker",
    apply: "serve",
    configureServer(server) {
      // Remix's plugin runs a second Vite server with these plugins, without an HTTP server: no worker there.
      const http = server.httpServer;
      if (!http || process.env.WORKER === "off") return;
      http.once("listening", () => {
        void (async () => {
          const { appContext } = (await server.ssrLoadModule("/app/context.server.ts")) as typeof import("./app/context.server");
          const { prepareDatabase } = (await server.ssrLoadModule("/app/db.server.ts")) as typeof import("./app/db.server");
          const { startWorker } = (await server.ssrLoadModule("/app/sync/worker.server.ts")) as typeof import("./app/sync/worker.server");
          const ctx = appContext();
          await prepareDatabase(ctx.db, ctx.env.DATABASE_URL);
          const worker = startWorker(ctx.runner, { concurrency: ctx.env.WORKER_CONCURRENCY });
          ctx.logger.info("worker started", { id: worker.id });
          http.once("close", () => void worker.stop());
        })().catch((error: Error) => server.config.logger.error(`The sync worker did not start: ${error.message}`));
      });
    },
  };
}

export default defineConfig({
  server: {
    allowedHosts: [host],
    // CORS preflights reach the app's routes (the order page extension calls api.extension.*), not Vite's answer.
    cors: { preflightContinue: true },
    port: Number(process.env.PORT || 3000),
    hmr: hmrConfig,
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    remix({
      // APP_BUILD_DIR: the browser tests build into a directory of their own (test/e2e/harness.ts)
      // so a build never replaces the files of an app another test is still serving.
      buildDirectory: process.env.APP_BUILD_DIR || "build",
      ignoredRouteFiles: ["**/.*", "**/*.test.*"],
      future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: true, v3_singleFetch: true },
    }),
    tsconfigPaths(),
    syncWorkerInDev(),
  ],
  build: { assetsInlineLimit: 0 },
  // Server-only packages stay external to the server bundle (native driver, Prisma).
  ssr: { external: ["@prisma/client", "@libsql/client", "@prisma/adapter-libsql", "@prisma/adapter-pg", "pg"] },
  optimizeDeps: { include: ["@shopify/polaris"] },
}) satisfies UserConfig;
