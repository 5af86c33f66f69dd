// partner:smoke: the smallest real round trip a partner allows, made with the
// shop's stored settings against the partner's test environment, printed field by
// field beside what the app assumes (docs/partners/*.md). The simulators under
// test/ answer as we read the documents; this is how an operator learns whether
// the partner really does. It goes through the connectors' own HTTP clients, so
// a "✗" is something the app itself would trip on.
import type { PrismaClient } from "@prisma/client";
import { connectors } from "~/connectors/registry";
import { recordingFetch, SMOKE_EMAIL, SMOKE_SKU, SmokeRun } from "~/connectors/smoke-kit";
import type { ClientDeps, PartnerId } from "~/connectors/types";
import { silentLogger } from "~/logger";
import type { Keyring } from "~/security/secrets.server";
import { loadPartnerConfig } from "~/sync/partner-config.server";

export interface SmokeDeps {
  db: PrismaClient;
  keyring: Keyring;
  env: Record<string, string | undefined>;
  fetch: typeof globalThis.fetch;
  now: () => Date;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Host labels that name a test environment (e.g. demo-customer-api.revers.io, api.sandbox.example.com). */
const SANDBOX_LABELS = new Set(["sandbox", "test", "testing", "demo", "staging", "stage", "qa", "uat", "dev"]);

/**
 * Whether a base URL is a test environment: a loopback address (a local simulator)
 * or a host with a label that says so. The partner's production URL, and any
 * host not marked, count as production: refusing a sandbox by mistake costs a
 * flag, writing test orders into a merchant's live account costs more.
 */
export function environmentOf(baseUrl: string, productionUrl: string): { sandbox: boolean; why: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { sandbox: false, why: "not a URL" };
  }
  const norm = (value: string) => value.replace(/\/+$/, "").toLowerCase();
  if (norm(baseUrl) === norm(productionUrl) || url.hostname === new URL(productionUrl).hostname) return { sandbox: false, why: "the partner's production API" };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host)) return { sandbox: true, why: "a local address" };
  const marked = host.split(/[.-]/).find((label) => SANDBOX_LABELS.has(label.toLowerCase()));
  if (marked) return { sandbox: true, why: `its host is marked "${marked}"` };
  return { sandbox: false, why: "its host is not marked as a sandbox or test environment" };
}

/** Runs the round trip for one shop and partner; answers the exit code (0: everything as the app assumes or copes with). */
export async function partnerSmoke(deps: SmokeDeps, shop: string, partner: PartnerId, options: { production: boolean }): Promise<number> {
  const connector = connectors[partner];
  const smoke = connector.smoke;
  if (!smoke) {
    deps.err(`${connector.displayName} has no partner:smoke round trip (its folder's smoke.ts).`);
    return 1;
  }
  let stored;
  try {
    stored = await loadPartnerConfig(deps.db, deps.keyring, shop, connector);
  } catch (error) {
    deps.err(`Cannot read the ${connector.displayName} settings of ${shop}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (!stored) {
    deps.err(`${connector.displayName} is not set up for ${shop}: save its sandbox settings first (partner:configure ${shop} ${partner} --file <settings.json>).`);
    return 1;
  }
  const baseUrl = connector.baseUrl(stored.config, deps.env);
  const { sandbox, why } = environmentOf(baseUrl, connector.meta.defaultBaseUrl);
  if (!sandbox && !options.production) {
    deps.err(`Refused: ${baseUrl} is not a test environment (${why}).`);
    deps.err(`partner:smoke creates a test customer and a test order at ${connector.displayName}. To check the sandbox, ${smoke.sandboxHint(connector.meta.urlVariable)}.`);
    deps.err("To run against this URL anyway, add --production.");
    return 1;
  }
  if (!sandbox) {
    deps.err(`WARNING: --production: ${baseUrl} is treated as ${connector.displayName}'s production API (${why}).`);
    deps.err(`  ${smoke.productionNote}`);
  }

  const recorder = recordingFetch(deps.fetch, baseUrl);
  const clientDeps: ClientDeps = { fetch: recorder.fetch, now: deps.now, logger: silentLogger, baseUrl };
  const run = new SmokeRun(recorder);
  const stamp = deps.now().toISOString().replace(/\D/g, "").slice(0, 14);
  deps.out(`partner:smoke ${partner} for ${shop} against ${baseUrl} (${sandbox ? `test environment: ${why}` : "PRODUCTION"})`);
  deps.out(`Test data: customer ${SMOKE_EMAIL}, item ${SMOKE_SKU}, order ${smoke.orderName(stamp)}; no amount, no referral.`);
  deps.out("Marks: ✓ as the app assumes; ~ otherwise, and the app copes; ✗ the app cannot use it; · a note.");
  await smoke.roundTrip(run, clientDeps, stored.config, stamp, !sandbox);

  for (const [i, step] of run.steps.entries()) {
    const calls = step.exchanges.map((e) => `${e.method} ${e.path} → ${e.status}`).join(", ");
    deps.out(`${i + 1}. ${step.title}${calls ? `: ${calls}` : ""}`);
    for (const line of step.findings.lines) deps.out(`   ${line.text.includes(line.mark) ? line.text : `${line.text} ${line.mark}`}`);
  }
  const failed = run.steps.some((s) => s.findings.failed);
  const differences = run.steps.reduce((n, s) => n + s.findings.lines.filter((l) => l.mark === "~").length, 0);
  deps.out(
    failed
      ? `Result: ✗ above: a call to ${connector.displayName} failed, or it answered something the app cannot use.`
      : `Result: ${connector.displayName} answered as the app assumes${differences > 0 ? `, with ${differences} difference(s) it copes with (~)` : ""}.`,
  );
  return failed ? 1 : 0;
}
