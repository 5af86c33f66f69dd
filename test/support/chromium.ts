// The Chromium the browser tests launch (test/e2e/harness.ts), with the args and
// environment it needs:
//
// - a system Chromium when the machine has one: CHROMIUM_PATH if set, else
//   /usr/bin/chromium (Debian's package), else `chromium` on PATH;
// - else the headless Chromium that the npm package @sparticuz/chromium ships
//   (a devDependency, so `npm ci` brings it; nothing is downloaded at test time).
//
// CHROMIUM=npm uses the npm one even where a system Chromium exists;
// CHROMIUM=system refuses to fall back to it.
//
// The npm package holds brotli-compressed files: the browser (a
// chrome-headless-shell build), its SwiftShader GL libraries, Open Sans and, for
// Amazon Linux, NSS/NSPR/expat. Its executablePath() unpacks them into
// os.tmpdir(); we run it once per package version in a child process with TMPDIR
// set to a staging directory under .cache/chromium/, under a lock (test files
// start side by side), and rename the result into place: a half-written browser
// is never launched, and the unpacked files live apart from anything else in
// /tmp. The NSS, NSPR and expat libraries are used on every machine (they are
// all the browser needs beyond glibc >= 2.34 and libgcc), and a fontconfig file
// of our own puts the bundled Open Sans first, so a machine without those
// Debian packages or any fonts renders the admin pages as this one does.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { buildOnce, processAlive } from "./build-once";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CACHE = path.join(ROOT, ".cache/chromium");

export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  /** The browser's environment (Playwright's `env`); absent: the test process's. */
  env?: Record<string, string>;
  /** Where it came from, for messages. */
  source: "system" | "npm";
}

/**
 * What to launch: `baseArgs` are the caller's switches; for the npm browser they
 * are merged with the ones @sparticuz/chromium recommends that suit a test
 * browser (see npmArgs), the caller's winning on a clash.
 */
export async function chromiumLaunchOptions(baseArgs: string[]): Promise<ChromiumLaunch> {
  const choice = process.env.CHROMIUM ?? "";
  if (choice && choice !== "npm" && choice !== "system") throw new Error(`CHROMIUM must be "npm", "system" or unset, not "${choice}"`);
  if (choice !== "npm") {
    const system = systemChromium();
    if (system) return { executablePath: system, args: baseArgs, source: "system" };
    if (choice === "system") throw new Error("CHROMIUM=system, and there is no system Chromium (CHROMIUM_PATH, /usr/bin/chromium or `chromium` on PATH)");
  }
  return npmChromium(baseArgs);
}

/** CHROMIUM_PATH (which must then exist), else /usr/bin/chromium, else `chromium` on PATH. */
export function systemChromium(): string | null {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`CHROMIUM_PATH is ${explicit}, which is not an executable file`);
    return explicit;
  }
  const candidates = [
    "/usr/bin/chromium",
    ...(process.env.PATH ?? "")
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, "chromium")),
  ];
  return candidates.find(isExecutable) ?? null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- the npm browser

/** The @sparticuz/chromium package: its version and its directory of compressed files. */
function npmPackage(): { version: string; binDir: string } {
  // Its exports map has only ".": resolve the entry point (build/index.js) and go up.
  const entry = createRequire(import.meta.url).resolve("@sparticuz/chromium");
  const dir = path.resolve(path.dirname(entry), "..");
  const { version } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string };
  return { version, binDir: path.join(dir, "bin") };
}

/**
 * @sparticuz/chromium's own switches (`Chromium.args`, meant for AWS Lambda),
 * less those that would make the browser under test behave otherwise than a
 * user's: --single-process (one renderer crash takes the browser down, and
 * Playwright's contexts share it), --disable-web-security,
 * --allow-running-insecure-content, SharedArrayBuffer without cross-origin
 * isolation, no site isolation; and less its GPU switches (SwiftShader WebGL),
 * which the caller's --disable-gpu turns off anyway. Playwright passes
 * --headless itself (the binary is chrome-headless-shell, headless whatever the
 * switch says), so theirs, --headless='shell', is left out too.
 */
async function npmArgs(baseArgs: string[]): Promise<string[]> {
  const { default: Chromium } = await import("@sparticuz/chromium");
  const dropped = [
    /^--headless/,
    /^--single-process$/,
    /^--disable-web-security$/,
    /^--allow-running-insecure-content$/,
    /^--disable-site-isolation-trials$/,
    /^--disable-features=/,
    /^--enable-features=/,
    /^--use-gl=/,
    /^--use-angle=/,
    /^--enable-unsafe-swiftshader$/,
    /^--ignore-gpu-blocklist$/,
    /^--in-process-gpu$/,
    /^--disable-webgl$/,
  ];
  const switchName = (arg: string) => arg.split("=")[0];
  const own = new Set(baseArgs.map(switchName));
  const theirs = Chromium.args.filter((arg) => !dropped.some((re) => re.test(arg)) && !own.has(switchName(arg)));
  return [...baseArgs, ...theirs];
}

async function npmChromium(baseArgs: string[]): Promise<ChromiumLaunch> {
  const pkg = npmPackage();
  const dir = await unpacked(pkg);
  const libDir = path.join(dir, "al2023/lib");
  const fontsFile = path.join(dir, "fonts.conf");
  const conf = fontsConf(dir);
  if (!existsSync(fontsFile) || readFileSync(fontsFile, "utf8") !== conf) {
    // Written here rather than when unpacking, so a change to fontsConf reaches an unpacked browser; renamed into place for test files starting side by side.
    const staged = `${fontsFile}.${process.pid}`;
    writeFileSync(staged, conf);
    renameSync(staged, fontsFile);
  }
  return {
    executablePath: path.join(dir, "chromium"),
    args: await npmArgs(baseArgs),
    env: {
      ...(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>),
      LD_LIBRARY_PATH: [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      FONTCONFIG_FILE: fontsFile,
    },
    source: "npm",
  };
}

/** .cache/chromium/<version>, unpacked by the first test file that needs it. */
async function unpacked(pkg: { version: string; binDir: string }): Promise<string> {
  const dir = await buildOnce(path.join(CACHE, pkg.version), {
    what: "the npm Chromium",
    ready: (candidate) => existsSync(path.join(candidate, "chromium")),
    build(staging) {
      // executablePath() unpacks the browser, fonts and SwiftShader into os.tmpdir(); inflate() the Amazon Linux libraries.
      const script = [
        'const { default: Chromium, inflate } = await import("@sparticuz/chromium");',
        "const bin = process.argv[1];",
        "await Chromium.executablePath(bin);",
        'await inflate(bin + "/al2023.tar.br");',
      ].join("\n");
      const result = spawnSync(process.execPath, ["--input-type=module", "-e", script, pkg.binDir], {
        cwd: ROOT,
        env: { ...process.env, TMPDIR: staging },
        encoding: "utf8",
      });
      if (result.status !== 0 || !existsSync(path.join(staging, "chromium"))) {
        throw new Error(`unpacking @sparticuz/chromium failed:\n${result.stderr || result.stdout || result.error}`);
      }
    },
  });
  pruneOtherVersions(pkg.version);
  return dir;
}

/**
 * Fontconfig for the npm browser: the bundled Open Sans (fonts/fonts/Open_Sans)
 * and whatever the machine has. Text resolves to Open Sans first (Polaris asks
 * for Inter, from Shopify's CDN that the tests do not reach, then system UI
 * fonts, then sans-serif); the machine's fonts only fill in glyphs Open Sans
 * lacks, and monospace text (the request bodies on the order page) gets a
 * machine's monospace font when it has one, else Open Sans too. Paths are those
 * of the final directory.
 */
function fontsConf(dir: string): string {
  const prefer = (generic: string, families: string[]) => `  <alias binding="strong"><family>${generic}</family><prefer>${families.map((f) => `<family>${f}</family>`).join("")}</prefer></alias>`;
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    "<fontconfig>",
    `  <dir>${path.join(dir, "fonts")}</dir>`,
    "  <dir>/usr/share/fonts</dir>",
    "  <dir>/usr/local/share/fonts</dir>",
    `  <cachedir>${path.join(dir, "fontconfig-cache")}</cachedir>`,
    ...["sans-serif", "serif", "system-ui"].map((generic) => prefer(generic, ["Open Sans"])),
    prefer("monospace", ["DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono", "Open Sans"]),
    "</fontconfig>",
    "",
  ].join("\n");
}

/** Other versions' unpacked browsers (about 220 MB each), and staging left by killed runs. */
function pruneOtherVersions(keep: string) {
  for (const name of readdirSync(CACHE)) {
    if (name === keep || name.endsWith(".lock")) continue;
    const staging = /\.tmp-(\d+)$/.exec(name);
    if (staging && processAlive(Number(staging[1]))) continue;
    rmSync(path.join(CACHE, name), { recursive: true, force: true });
  }
}
