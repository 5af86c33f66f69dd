// The second half of `npm run build` (after `remix vite:build`): compiles the
// entries that run outside the Remix bundle (server.ts with its worker, the
// standalone worker, the operator CLI) to JavaScript in build/bin/, so that
// production runs plain `node` and ships no TypeScript loader. Each entry is one
// file with our code (resolving tsconfig's `~/` alias) and every package left
// to node_modules, where `npm ci --omit=dev` installs them and the two Prisma
// clients are generated.
//
//   npx tsx scripts/build-server.ts     -> build/bin/server.js, worker.js, cli.js
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Output name -> source, relative to the repository root; package.json's start, worker and cli run these. */
export const SERVER_ENTRIES = { server: "server.ts", worker: "app/cli/worker.ts", cli: "app/cli/main.ts" } as const;

export async function buildServer(outdir = path.join(ROOT, "build", "bin")): Promise<{ outdir: string; inputs: string[] }> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(SERVER_ENTRIES).map(([name, source]) => [name, path.join(ROOT, source)])),
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    sourcemap: true,
    logLevel: "warning",
    metafile: true,
  });
  const inputs = Object.keys(result.metafile.inputs);
  // Test and script code must never reach production through an import.
  const stray = inputs.filter((input) => !input.startsWith("app/") && input !== "server.ts");
  if (stray.length > 0) throw new Error(`the server bundle would include files outside app/: ${stray.join(", ")}`);
  return { outdir, inputs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildServer().then(
    ({ outdir, inputs }) =>
      console.log(
        `${path.relative(process.cwd(), outdir)}/: ${Object.keys(SERVER_ENTRIES)
          .map((name) => `${name}.js`)
          .join(", ")} (${inputs.length} source files)`,
      ),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
