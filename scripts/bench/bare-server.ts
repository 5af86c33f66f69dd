// The floor the ingest is measured against: a plain node:http server that does
// only what no webhook endpoint can skip (read the body, check Shopify's HMAC
// of it with the app secret) and answers 200. Started as its own process by
// runner.ts, as the app is, so neither shares the load generator's event loop.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const secret = process.env.SHOPIFY_API_SECRET ?? "";

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const expected = createHmac("sha256", secret).update(Buffer.concat(chunks)).digest();
    const header = req.headers["x-shopify-hmac-sha256"];
    const given = Buffer.from(typeof header === "string" ? header : "", "base64");
    const valid = given.length === expected.length && timingSafeEqual(given, expected);
    res.writeHead(valid ? 200 : 401).end();
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
