import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [
    remix({
      // APP_BUILD_DIR: the browser tests build into a directory of their own (test/e2e/harness.ts)
      // so a build never replaces the files of an app another test is still serving.
      buildDirectory: process.env.APP_BUILD_DIR || "build",
      ignoredRouteFiles: ["**/.*", "**/*.test.*"],
      future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: true, v3_singleFetch: true },
    }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  // Server-only packages stay external to the server bundle (native driver, Prisma).
  ssr: { external: ["@prisma/client", "@libsql/client", "@prisma/adapter-libsql", "@prisma/adapter-pg", "pg"] },
});
