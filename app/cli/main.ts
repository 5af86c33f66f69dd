// Operator command line: npm run cli -- <command>. A stable contract (README "Operator CLI").
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import type { PrismaClient } from "@prisma/client";
import { createDb } from "~/db.server";
import { createKeyring, type Keyring } from "~/security/secrets.server";
import { defaultRegistry, type ConnectorRegistry } from "~/connectors/registry";
import { isPartnerId, PARTNERS } from "~/connectors/types";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { installShopLocally } from "~/shopify/install.server";
import { NotFoundError, requeueOrder, syncStatus } from "~/sync/status.server";
import { JOB_STATUS_MEANINGS, JOB_STATUSES } from "~/sync/job-status";
import { renderTable } from "./table";
import { rotateKeys } from "./rotate-keys";
import { backfillCommand, cancelBackfillCommand, historyStatusLines, reconcileCommand } from "./backfill";
import { partnerSmoke } from "./partner-smoke";

export class UsageError extends Error {
  override name = "UsageError";
}

const USAGE = `Usage: npm run cli -- <command>

  shop:install <shop> [--token <offline access token>] [--scopes <a,b>]
  partner:configure <shop> <${PARTNERS.join("|")}> --file <settings.json>
  partner:smoke <shop> <${PARTNERS.join("|")}> [--production]
  sync:status <shop> [--order <shopify order id>] [--json]
  sync:requeue <shop> <orderId> [--partner <${PARTNERS.join("|")}>] [--force]   re-queue the stored copy (also sync:resync)
  sync:backfill <shop> --since <YYYY-MM-DD> [--partner <${PARTNERS.join("|")}>] [--detach]
  sync:backfill-cancel <shop>
  sync:reconcile <shop> [--detach]
  keys:rotate

Job statuses (sync:status):
${JOB_STATUSES.map((status) => `  ${status.padEnd(9)} ${JOB_STATUS_MEANINGS[status].meaning}`).join("\n")}

Environment: DATABASE_URL (default file:./prisma/dev.sqlite); ENCRYPTION_KEY for partner:configure, partner:smoke and keys:rotate;
REVERB_API_URL, REVERSIO_API_URL, TESTFREAKS_API_URL point partner:smoke at a partner's test environment.`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
function shopArg(value: string | undefined): string {
  if (!value) throw new UsageError("missing <shop>");
  const shop = value.trim().toLowerCase();
  if (!SHOP.test(shop)) throw new UsageError(`"${value}" is not a shop domain like my-store.myshopify.com`);
  return shop;
}

function keyringFrom(env: Record<string, string | undefined>): Keyring {
  if (!env.ENCRYPTION_KEY) throw new UsageError("ENCRYPTION_KEY is not set: 32 random bytes, base64 (openssl rand -base64 32)");
  return createKeyring(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_PREVIOUS);
}

/** Runs one command; returns the exit code. `registry`: the partners it knows (a test registers its own). */
export async function runCli(argv: string[], io: CliIo, db: PrismaClient, registry: ConnectorRegistry = defaultRegistry): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      file: { type: "string" },
      order: { type: "string" },
      partner: { type: "string" },
      json: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      token: { type: "string" },
      scopes: { type: "string" },
      since: { type: "string" },
      detach: { type: "boolean", default: false },
      production: { type: "boolean", default: false },
    },
  });

  switch (command) {
    case "shop:install": {
      const shop = shopArg(positionals[0]);
      const session = await installShopLocally(db, shop, { accessToken: values.token, scopes: values.scopes ?? io.env.SCOPES });
      io.out(`Installed ${shop} (offline session ${session.id}).`);
      return 0;
    }
    case "partner:configure": {
      const shop = shopArg(positionals[0]);
      const connector = registry.get(positionals[1] ?? "");
      if (!connector) throw new UsageError(`partner must be one of ${registry.ids.join(", ")}`);
      if (!values.file) throw new UsageError("missing --file <settings.json>");
      let input: unknown;
      try {
        input = JSON.parse(readFileSync(values.file, "utf8"));
      } catch (error) {
        io.err(`Cannot read ${values.file}: ${(error as Error).message}`);
        return 1;
      }
      if (!input || typeof input !== "object" || Array.isArray(input)) {
        io.err(`${values.file} must hold a JSON object of settings`);
        return 1;
      }
      const result = await savePartnerConfig(db, keyringFrom(io.env), shop, connector, input as Record<string, unknown>);
      if (!result.ok) {
        io.err(`${values.file} is not valid ${connector.displayName} settings; nothing was stored:`);
        for (const [field, message] of Object.entries(result.fieldErrors)) io.err(`  ${field}: ${message}`);
        return 1;
      }
      io.out(`${connector.displayName} configured and enabled for ${shop}.`);
      return 0;
    }
    case "sync:status": {
      const shop = shopArg(positionals[0]);
      const rows = await syncStatus(db, shop, { orderId: values.order });
      if (values.json) io.out(JSON.stringify(rows, null, 2));
      else if (rows.length === 0) io.out(`No sync jobs for ${shop}${values.order ? ` and order ${values.order}` : ""}.`);
      else io.out(renderTable(rows, ["orderId", "orderName", "partner", "status", "attempts", "lastError", "remoteId", "updatedAt"]));
      if (!values.json && !values.order) for (const line of await historyStatusLines(db, shop)) io.out(line);
      return 0;
    }
    // Requeue the stored copy (Shopify is not read: the admin's Resync is the one that re-reads).
    // sync:resync is its former name, kept working.
    case "sync:requeue":
    case "sync:resync": {
      const shop = shopArg(positionals[0]);
      const orderId = positionals[1];
      if (!orderId || !/^\d+$/.test(orderId)) throw new UsageError("missing <orderId> (the Shopify order id, digits only)");
      if (values.partner && !isPartnerId(values.partner)) throw new UsageError(`--partner must be one of ${PARTNERS.join(", ")}`);
      try {
        const count = await requeueOrder(db, shop, orderId, { partner: values.partner, force: values.force });
        if (count === 0) {
          io.err(`No partner${values.partner ? ` named ${values.partner}` : ""} is set up for ${shop}: nothing to requeue.`);
          return 1;
        }
        io.out(`Order ${orderId}: ${count} job(s) pending again.`);
        return 0;
      } catch (error) {
        if (error instanceof NotFoundError) {
          io.err(error.message);
          return 1;
        }
        throw error;
      }
    }
    case "partner:smoke": {
      const shop = shopArg(positionals[0]);
      const partner = positionals[1];
      if (!partner || !isPartnerId(partner)) throw new UsageError(`partner must be one of ${PARTNERS.join(", ")}`);
      const deps = { db, keyring: keyringFrom(io.env), env: io.env, fetch: globalThis.fetch, now: () => new Date(), out: io.out, err: io.err };
      return partnerSmoke(deps, shop, partner, { production: values.production });
    }
    case "sync:backfill":
      return backfillCommand(db, io, shopArg(positionals[0]), { since: values.since, partner: values.partner, detach: values.detach });
    case "sync:backfill-cancel":
      return cancelBackfillCommand(db, io, shopArg(positionals[0]));
    case "sync:reconcile":
      return reconcileCommand(db, io, shopArg(positionals[0]), { detach: values.detach });
    case "keys:rotate": {
      const keyring = keyringFrom(io.env);
      const report = await rotateKeys(db, keyring);
      io.out(`Re-encrypted ${report.rotated} partner credential set(s) with key ${keyring.current.id}; ${report.alreadyCurrent} already used it.`);
      for (const { shop, partner } of report.busy) io.err(`${shop} ${partner}: saved again while the rotation ran, left as it is: run keys:rotate once more.`);
      if (report.unreadable.length === 0) return report.busy.length === 0 ? 0 : 1;
      io.err(`${report.unreadable.length} partner credential set(s) could not be decrypted and were left as they are:`);
      for (const { shop, partner, reason } of report.unreadable) io.err(`  ${shop} ${partner}: ${reason}`);
      io.err("Add the key they were encrypted with to ENCRYPTION_KEYS_PREVIOUS and run keys:rotate again, or have those merchants enter their credentials again.");
      return 1;
    }
    case undefined:
    case "help":
    case "--help":
      io.out(USAGE);
      return command === undefined ? 1 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function main() {
  const io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env };
  const db = createDb();
  try {
    process.exitCode = await runCli(process.argv.slice(2), io, db);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      io.err(`${(error as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      io.err(`Error: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  } finally {
    await db.$disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
