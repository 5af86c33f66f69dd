import type { Client, InStatement, Transaction, TransactionMode } from "@libsql/client";

/**
 * Every interactive transaction begins IMMEDIATE on SQLite, where Prisma's adapter
 * asks for DEFERRED. A deferred transaction that reads and then writes takes the
 * write lock only at its first write, and in WAL mode that fails at once with
 * SQLITE_BUSY (no busy wait: its snapshot is stale) when another process committed
 * after its first read: a merge of the web process lost that way to the worker
 * process was left for the inbox's sweeper. Begun IMMEDIATE, it waits for the lock
 * at BEGIN (SQLite's busy wait) and cannot be overtaken after.
 */
export function immediateTransactions(client: Client): Client {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "transaction") return (mode?: TransactionMode) => target.transaction(mode === "read" ? "read" : "write");
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * SQLite has one write lock for the whole file, and a process waiting for it does
 * not queue: its busy handler sleeps 1, 2, 5 … 100 ms between tries, inside the
 * driver's synchronous call. A worker process that takes the lock again the
 * instant it lets go (draining a backlog) therefore leaves the web process
 * nothing to catch: deliveries waited seconds (the fairness bench, web and worker
 * as two processes on SQLite: p99 4.8 s). A process wrapped here leaves a gap of
 * `gapMs` after each write before its next one, so another process's tries land.
 *
 * Only the separate worker process takes turns (app/cli/worker.ts): the gap is
 * slept inside Prisma's one-at-a-time adapter lock, so in the web process it
 * would slow every webhook's write for nothing when no other process writes.
 * Retrying SQLITE_BUSY from here instead is not possible: libsql leaves the
 * statement that got it active until it is garbage-collected, and the next
 * COMMIT on that connection then fails ("SQL statements in progress").
 */
export function takingTurns(client: Client, gapMs: number, clock: TurnClock = realClock): Client {
  let lastWriteEnded = Number.NEGATIVE_INFINITY;
  const waitForTurn = async () => {
    const wait = lastWriteEnded + gapMs - clock.now();
    if (wait > 0) await clock.sleep(wait);
  };
  const ended = () => (lastWriteEnded = clock.now());
  async function write<T>(run: () => Promise<T>): Promise<T> {
    await waitForTurn();
    try {
      return await run();
    } finally {
      ended();
    }
  }

  return new Proxy(client, {
    get(target, property, receiver) {
      switch (property) {
        case "execute":
          return (statement: InStatement | string, args?: unknown) => {
            const run = () => (args === undefined ? target.execute(statement) : target.execute(statement as string, args as never));
            return isRead(typeof statement === "string" ? statement : statement.sql) ? run() : write(run);
          };
        case "batch":
          return (statements: InStatement[], mode?: TransactionMode) => write(() => target.batch(statements, mode));
        case "executeMultiple":
          return (sql: string) => write(() => target.executeMultiple(sql));
        case "transaction":
          // The lock is held until COMMIT or ROLLBACK: the gap counts from there.
          return async (mode?: TransactionMode): Promise<Transaction> => {
            await waitForTurn();
            const tx = await target.transaction(mode);
            const commit = tx.commit.bind(tx);
            const rollback = tx.rollback.bind(tx);
            tx.commit = () => commit().finally(ended);
            tx.rollback = () => rollback().finally(ended);
            return tx;
          };
        default: {
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
      }
    },
  });
}

export interface TurnClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: TurnClock = { now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** A statement that cannot take the write lock (WAL readers never wait for a writer). */
const isRead = (sql: string) => /^\s*(SELECT|PRAGMA\s+\w+\s*;?\s*$)/i.test(sql);
