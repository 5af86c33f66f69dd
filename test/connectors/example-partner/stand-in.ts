// A local stand-in for Postcards' API: checks the token, keeps the cards it was given.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export const POSTCARDS_TOKEN = "pc_test_token";

export interface PostcardsStandIn {
  url: string;
  /** Every card PUT, in order, with the path it came on. */
  cards: { path: string; body: unknown }[];
  close(): Promise<void>;
}

export async function startPostcardsStandIn(): Promise<PostcardsStandIn> {
  const cards: PostcardsStandIn["cards"] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      const answer = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${POSTCARDS_TOKEN}`) return answer(401, { error: "unknown token" });
      if (req.method === "GET" && req.url === "/v1/ping") return answer(200, { ok: true });
      const card = /^\/v1\/cards\/([^/?]+)$/.exec(req.url ?? "");
      if (req.method === "PUT" && card) {
        cards.push({ path: req.url!, body: JSON.parse(raw) });
        return answer(200, { card: { id: `card-${decodeURIComponent(card[1]!).replace("#", "")}` } });
      }
      answer(404, { error: "no such route" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    cards,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
