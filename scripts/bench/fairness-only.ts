// The fairness figure alone (scripts/bench/fairness.ts), on SQLite or Postgres
// (BENCH_STORE=Postgres), web and worker as separate processes and then in one:
// npx tsx scripts/bench/fairness-only.ts. Builds the last commit as main.ts does.
import { measureFairness, type Layout } from "./fairness";
import { buildApp } from "./runner";
import { openStore, type Flavour } from "./store";

const flavour = (process.env.BENCH_STORE ?? "SQLite") as Flavour;
const build = buildApp();
console.log(`fairness, ${flavour}, ${build.what}`);
const store = await openStore(flavour);
try {
  for (const layout of ["separate", "one process"] as Layout[]) {
    const f = await measureFairness(store, layout);
    console.log(`${layout}: p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms, ${f.delivered} of ${f.sent} delivered; backlog jobs synced meanwhile ${f.backlogSynced}`);
  }
} finally {
  await store.close();
  build.cleanup();
}
