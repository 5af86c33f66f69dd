// Bundles the admin UI extension offline with esbuild, the way Shopify CLI's
// `app build` does for a ui_extension (packages/app/src/cli/services/extensions/bundle.ts
// in Shopify/cli): one script per target from an entry that imports the toml's
// `module`, automatic JSX, NODE_ENV defined, ES6 output, no legal comments.
// Shopify CLI still builds what it deploys; this is the check that the extension
// bundles at all, and the file the tests load.
//
//   npx tsx scripts/build-extension.ts            -> extensions/order-sync-status/dist/
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

export const EXTENSION_DIR = path.resolve(import.meta.dirname, "../extensions/order-sync-status");

export interface ExtensionTarget {
  target: string;
  module: string;
}

/** The [[extensions.targeting]] entries of shopify.extension.toml (target and module only). */
export function readTargets(extensionDir = EXTENSION_DIR): ExtensionTarget[] {
  const toml = readFileSync(path.join(extensionDir, "shopify.extension.toml"), "utf8");
  return toml
    .split(/^\s*\[\[extensions\.targeting\]\]\s*$/m)
    .slice(1)
    .map((block) => ({ target: /^\s*target\s*=\s*"([^"]+)"/m.exec(block)?.[1] ?? "", module: /^\s*module\s*=\s*"([^"]+)"/m.exec(block)?.[1] ?? "" }))
    .filter((entry) => entry.target && entry.module);
}

export interface BuiltExtension {
  outfile: string;
  targets: ExtensionTarget[];
  bytes: number;
}

export async function buildExtension(options: { extensionDir?: string; outdir?: string; minify?: boolean } = {}): Promise<BuiltExtension> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  const outdir = options.outdir ?? path.join(extensionDir, "dist");
  const targets = readTargets(extensionDir);
  if (targets.length === 0) throw new Error(`${extensionDir}/shopify.extension.toml declares no [[extensions.targeting]] with a target and a module`);
  const handle = path.basename(extensionDir);
  const outfile = path.join(outdir, `${handle}.js`);
  const result = await build({
    stdin: { contents: targets.map((t) => `import ${JSON.stringify(t.module)};`).join("\n"), resolveDir: extensionDir, sourcefile: "extension-entry.js", loader: "js" },
    outfile,
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es6",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    loader: { ".esnext": "ts" },
    resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs"],
    legalComments: "none",
    minify: options.minify ?? true,
    // esbuild does not read NODE_PATH by itself; honour it as Node does.
    nodePaths: process.env.NODE_PATH ? process.env.NODE_PATH.split(path.delimiter).filter(Boolean) : [],
    plugins: [oneReact(extensionDir)],
    logLevel: "silent",
    metafile: true,
  }).catch((error: Error) => {
    // @remote-ui/react (under @shopify/ui-extensions-react) renders through
    // react-reconciler, an optional peer dependency npm does not install by itself.
    if (/Could not resolve "react-reconciler"/.test(error.message)) {
      throw new Error(`${error.message}\nThe extension needs react-reconciler 0.29.x (React 18's) as a devDependency.`);
    }
    throw error;
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { outfile, targets, bytes };
}

/**
 * Every `react` import resolves to the one the extension sees: two copies (one
 * under react-reconciler, one under the extension) break hooks. Shopify CLI
 * bundles with the same de-duplication.
 */
function oneReact(extensionDir: string): Plugin {
  const reactPath = createRequire(path.join(extensionDir, "package.json")).resolve("react");
  return {
    name: "one-react",
    setup(builder) {
      builder.onResolve({ filter: /^react$/ }, () => ({ path: reactPath }));
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildExtension().then(
    ({ outfile, targets, bytes }) => console.log(`${path.relative(process.cwd(), outfile)}: ${(bytes / 1024).toFixed(1)} KiB, ${targets.map((t) => t.target).join(", ")}`),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
