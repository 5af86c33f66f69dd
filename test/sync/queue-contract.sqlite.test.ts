// The engine contract for the table engine on SQLite (what the app runs on a SQLite DATABASE_URL).
import { createDb } from "~/db.server";
import { tableQueue } from "~/sync/queue.server";
import { createTestDb } from "../support/db";
import { fakeClock } from "../support/harness";
import { LEASE_MS, queueContract } from "./queue-contract";

queueContract("table engine on SQLite", { serialRounds: true, wakesAcrossProcesses: false }, async () => {
  const store = await createTestDb();
  // A second client on the same file: a second process.
  const other = createDb(store.url);
  const clock = fakeClock(new Date());
  return {
    db: store.db,
    a: tableQueue(store.db, LEASE_MS),
    b: tableQueue(other, LEASE_MS),
    now: clock.now,
    advance: async (ms) => clock.advance(ms),
    async close() {
      await other.$disconnect();
      await store.close();
    },
  };
});
