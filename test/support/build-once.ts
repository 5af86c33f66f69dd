// Something test files build once and share (the app's build, the unpacked
// browser): made by the first file that needs it, under a directory lock (test
// files start side by side), into a staging directory renamed into place, so no
// file ever uses a half-written result. A lock whose holder was killed is taken over.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock whose holder is gone, or older than any build takes. */
function lockIsStale(lock: string, staleAfterMs: number): boolean {
  try {
    const holder = Number(readFileSync(path.join(lock, "pid"), "utf8"));
    if (holder > 0 && !processAlive(holder)) return true;
  } catch {
    // No pid yet: the holder has only just made the lock.
  }
  try {
    return Date.now() - statSync(lock).mtimeMs > staleAfterMs;
  } catch {
    return false;
  }
}

export interface BuildOnce {
  /** Whether `dir` holds a finished result. */
  ready(dir: string): boolean;
  /** Fills `staging` (a fresh, empty directory); throws with the reason when it cannot. */
  build(staging: string): void | Promise<void>;
  /** What is built, for the timeout message. */
  what: string;
  timeoutMs?: number;
}

/** `dir`, built now unless another test file built it already or is building it. */
export async function buildOnce(dir: string, { ready, build, what, timeoutMs = 180_000 }: BuildOnce): Promise<string> {
  if (ready(dir)) return dir;
  mkdirSync(path.dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch {
      if (ready(dir)) return dir;
      if (existsSync(lock) && lockIsStale(lock, timeoutMs - 30_000)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for another test file to build ${what} (${lock})`);
      await sleep(250);
    }
  }
  try {
    if (ready(dir)) return dir;
    const staging = `${dir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      await build(staging);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    renameSync(staging, dir);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
