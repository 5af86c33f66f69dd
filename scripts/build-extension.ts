// Bundles the admin UI extension offline with esbuild, the way Shopify CLI's
// `app build` does for a ui_extension on API version 2025-10 or later (Shopify/cli,
// packages/app/src/cli/services/extensions/bundle.ts and the ui_extension
// specification): one script from an entry that imports each target's module and
// registers it with `shopify.extend(target, ...)`, automatic JSX (the import
// source, preact, comes from the extension's tsconfig), NODE_ENV defined, ES6
// output, no legal comments, minified. Shopify CLI still builds what it deploys;
// this is the check that the extension bundles at all and fits the size limit,
// and the file the tests load.
//
//   npx tsx scripts/build-extension.ts            -> extensions/order-sync-status/dist/
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { deflateSync } from "node:zlib";
import { build } from "esbuild";

export const EXTENSION_DIR = path.resolve(import.meta.dirname, "../extensions/order-sync-status");

/**
 * Shopify's limit for a UI extension's script on API version 2025-10 or later
 * (Remote DOM extensions; full-page customer account extensions get 128 KB):
 * 64 KB compressed, per extension, enforced at deploy (shopify.dev, "Optimize
 * bundle size"). "Compressed" is zlib deflate at its default level, as Shopify's
 * backend measures it (`Zlib::Deflate.deflate`; Shopify CLI reproduces it with
 * node:zlib's deflate in packages/app/src/cli/services/build/bundle-size.ts and
 * prints KB as 1024 bytes).
 */
export const BUNDLE_LIMIT_BYTES = 64 * 1024;

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

/** The toml's `api_version`. */
export function readApiVersion(extensionDir = EXTENSION_DIR): string {
  const toml = readFileSync(path.join(extensionDir, "shopify.extension.toml"), "utf8");
  return /^\s*api_version\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? "";
}

/**
 * The entry Shopify CLI writes for a Remote DOM extension (api_version 2025-10 or
 * later): each target's module is imported and its default export registered for
 * the target. Earlier versions only imported the module, which registered itself.
 */
export function entryFor(targets: ExtensionTarget[]): string {
  return targets
    .map(({ target, module }, index) => `import Target_${index} from ${JSON.stringify(module)};shopify.extend(${JSON.stringify(target)}, (...args) => Target_${index}(...args));`)
    .join("\n");
}

export interface BundleSize {
  /** The minified script as written. */
  rawBytes: number;
  /** Deflated, as Shopify measures it against BUNDLE_LIMIT_BYTES. */
  compressedBytes: number;
}

export function bundleSize(code: Uint8Array): BundleSize {
  return { rawBytes: code.byteLength, compressedBytes: deflateSync(code).byteLength };
}

export interface BuiltExtension extends BundleSize {
  outfile: string;
  targets: ExtensionTarget[];
  /** The files bundled (esbuild's metafile inputs, relative to the working directory). */
  inputs: string[];
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export class BundleTooLargeError extends Error {
  constructor(
    readonly outfile: string,
    readonly size: BundleSize,
    readonly limitBytes: number,
  ) {
    super(
      `${path.basename(outfile)} is ${kb(size.compressedBytes)} compressed (${kb(size.rawBytes)} minified), over the ${kb(limitBytes)} limit ` +
        `(Shopify's for a UI extension is ${kb(BUNDLE_LIMIT_BYTES)} compressed; \`shopify app deploy\` refuses a bigger one). ` +
        `See which modules weigh most in ${path.basename(outfile, ".js")}.metafile.json beside it (esbuild's bundle analyzer reads it).`,
    );
    this.name = "BundleTooLargeError";
  }
}

export async function buildExtension(options: { extensionDir?: string; outdir?: string; minify?: boolean; limitBytes?: number } = {}): Promise<BuiltExtension> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  const outdir = options.outdir ?? path.join(extensionDir, "dist");
  const targets = readTargets(extensionDir);
  if (targets.length === 0) throw new Error(`${extensionDir}/shopify.extension.toml declares no [[extensions.targeting]] with a target and a module`);
  const handle = path.basename(extensionDir);
  const outfile = path.join(outdir, `${handle}.js`);
  const result = await build({
    stdin: { contents: entryFor(targets), resolveDir: extensionDir, sourcefile: "extension-entry.js", loader: "tsx" },
    outfile,
    bundle: true,
    // esbuild's defaults for a bundle (browser platform, IIFE), written out.
    platform: "browser",
    format: "iife",
    target: "es6",
    jsx: "automatic",
    // Shopify CLI leaves this to the extension's tsconfig (esbuild reads it); said
    // here too so the bundle can never fall back to React's JSX runtime.
    jsxImportSource: "preact",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    loader: { ".esnext": "ts", ".js": "jsx" },
    resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs", ".ejs"],
    legalComments: "none",
    minify: options.minify ?? true,
    // esbuild does not read NODE_PATH by itself; honour it as Node does.
    nodePaths: process.env.NODE_PATH ? process.env.NODE_PATH.split(path.delimiter).filter(Boolean) : [],
    logLevel: "silent",
    metafile: true,
    write: false,
  });
  const script = result.outputFiles.find((file) => file.path === outfile);
  if (!script) throw new Error(`esbuild wrote no ${outfile}`);
  const size = bundleSize(script.contents);
  // Written even when too large, with the metafile (as Shopify CLI writes it), so
  // the bundle can be analysed.
  mkdirSync(outdir, { recursive: true });
  for (const file of result.outputFiles) writeFileSync(file.path, file.contents);
  writeFileSync(path.join(outdir, `${handle}.metafile.json`), JSON.stringify(result.metafile));
  const limitBytes = options.limitBytes ?? BUNDLE_LIMIT_BYTES;
  if (size.compressedBytes > limitBytes) throw new BundleTooLargeError(outfile, size, limitBytes);
  return { outfile, targets, ...size, inputs: Object.keys(result.metafile.inputs) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildExtension().then(
    ({ outfile, targets, rawBytes, compressedBytes }) =>
      console.log(
        `${path.relative(process.cwd(), outfile)}: ${kb(rawBytes)} minified, ${kb(compressedBytes)} compressed of Shopify's ${kb(BUNDLE_LIMIT_BYTES)} limit; ${targets.map((t) => t.target).join(", ")}`,
      ),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
