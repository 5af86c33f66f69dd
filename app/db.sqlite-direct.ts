import type { Client, InValue, ResultSet, Transaction, TransactionMode } from "@libsql/client";

/**
 * A statement run on the libsql client under Prisma, for the one hot path where
 * Prisma's cost per parameter outweighs the write itself: the webhook inbox's
 * append (app/sync/inbox.server.ts). Through Prisma, a group commit of 57
 * deliveries (nine parameters each, a 3 KB snapshot among them) cost about
 * 400 µs of CPU per delivery; the same INSERT on the driver, about 55 µs
 * (docs/architecture.md, "Ingest").
 */
export interface SqliteDirect {
  execute(sql: string, args: InValue[]): Promise<ResultSet>;
}

/**
 * Shares Prisma's libsql client, and keeps out of its transactions: SQLite has
 * one write lock, and a statement run on another connection of this process
 * while a Prisma transaction holds it would sit in SQLite's busy wait, which
 * blocks the thread, so the transaction could never end. A Prisma transaction
 * holds the gate from BEGIN to COMMIT or ROLLBACK; a direct statement waits
 * for it, and a transaction waits for a direct statement.
 */
export class SqliteGate implements SqliteDirect {
  #client: Client | null = null;
  #tail: Promise<void> = Promise.resolve();

  /** `connect` makes Prisma open its adapter (which calls wrap) when a direct statement comes first. */
  constructor(private readonly connect: () => Promise<void>) {}

  /** The client Prisma's adapter is given: its transactions take the gate. */
  wrap(client: Client): Client {
    this.#client = client;
    const acquire = () => this.#acquire();
    return new Proxy(client, {
      get(target, property, receiver) {
        if (property === "transaction") {
          return async (mode?: TransactionMode): Promise<Transaction> => {
            const release = once(await acquire());
            try {
              const tx = await target.transaction(mode);
              const commit = tx.commit.bind(tx);
              const rollback = tx.rollback.bind(tx);
              const close = tx.close.bind(tx);
              tx.commit = () => commit().finally(release);
              tx.rollback = () => rollback().finally(release);
              tx.close = () => {
                try {
                  close();
                } finally {
                  release();
                }
              };
              return tx;
            } catch (error) {
              release();
              throw error;
            }
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  async execute(sql: string, args: InValue[]): Promise<ResultSet> {
    if (!this.#client) await this.connect();
    const release = await this.#acquire();
    try {
      return await this.#client!.execute({ sql, args });
    } finally {
      release();
    }
  }

  /** Resolves, in turn, with the function that lets the next holder in. */
  #acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => held);
    return previous.then(() => release);
  }
}

function once(run: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    run();
  };
}

/** A DateTime as Prisma's libsql adapter stores it (ISO 8601, "+00:00"), so Prisma reads and orders it as its own. */
export const sqliteDateTime = (date: Date): string => date.toISOString().replace("Z", "+00:00");
