// npm run simulators: starts the local stand-ins on free ports and prints one
// NAME=URL line per stand-in (the app's environment variable names), so that
// `npm run simulators > .env.local` or an eval can point the app at them.
import { PARTNER_METAS } from "~/connectors/partners";
import { startStandIns } from "./all";
import { LOCAL_PARTNERS } from "./local-mode";

// With the app's credentials, the Admin API stand-in's token endpoint can install a shop from the embedded admin (token exchange).
const { SHOPIFY_API_KEY, SHOPIFY_API_SECRET } = process.env;
const standIns = await startStandIns(SHOPIFY_API_KEY && SHOPIFY_API_SECRET ? { app: { apiKey: SHOPIFY_API_KEY, apiSecret: SHOPIFY_API_SECRET } } : {});
for (const [name, url] of Object.entries(standIns.env)) console.log(`${name}=${url}`);
console.error(
  [
    "",
    "Stand-ins running (Ctrl-C stops them). Credentials they accept:",
    `  shopify:    token exchange ${SHOPIFY_API_KEY && SHOPIFY_API_SECRET ? `for the app ${SHOPIFY_API_KEY}` : "refused: start with SHOPIFY_API_KEY and SHOPIFY_API_SECRET to allow installs from the admin"}`,
    // The settings partner:configure stores to use each simulator.
    ...PARTNER_METAS.map((meta) => `  ${`${meta.id}:`.padEnd(11)} ${JSON.stringify(LOCAL_PARTNERS[meta.id].settings)}`),
  ].join("\n"),
);
const stop = async () => {
  await standIns.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
