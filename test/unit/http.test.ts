import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requestJson } from "~/connectors/http";
import { PartnerError } from "~/connectors/errors";
import { silentLogger } from "~/logger";
import type { ClientDeps } from "~/connectors/types";
import { startSimServer, type SimServer } from "../simulators/server";

let sim: SimServer;
let deps: ClientDeps;

beforeEach(async () => {
  sim = await startSimServer(() => ({ status: 200, body: { ok: true } }));
  deps = { fetch, now: () => new Date(), logger: silentLogger, baseUrl: sim.url };
});
afterEach(async () => sim.close());

async function failure(promise: Promise<unknown>): Promise<PartnerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PartnerError) return error;
    throw error;
  }
  throw new Error("expected a PartnerError");
}

describe("one partner call (requestJson)", () => {
  it("answers the parsed body of a 2xx", async () => {
    expect((await requestJson(deps, "Sim", { method: "GET", path: "/x" })).body).toEqual({ ok: true });
  });

  it("given no answer in time, gives up at its timeout with a retryable, uncertain error", async () => {
    sim.knobs.hangRate = 1;
    const error = await failure(requestJson(deps, "Sim", { method: "POST", path: "/orders", body: {}, timeoutMs: 300 }));
    expect([error.failureClass, error.uncertain, error.httpStatus]).toEqual(["retryable", true, null]);
    expect(error.message).toBe("Sim did not answer in time");
  });

  it("given a 200 that is not JSON, says so and counts it retryable and uncertain (the partner may have applied it)", async () => {
    sim.knobs.malformedRate = 1;
    const error = await failure(requestJson(deps, "Sim", { method: "POST", path: "/orders", body: {} }));
    expect([error.failureClass, error.uncertain]).toEqual(["retryable", true]);
    expect(error.message).toMatch(/Sim sent an answer we could not read \(HTTP 200\): \{not json/);
  });

  it("given nothing listening, is retryable with the reason", async () => {
    await sim.close();
    const error = await failure(requestJson(deps, "Sim", { method: "GET", path: "/x" }));
    expect(error.failureClass).toBe("retryable");
    expect(error.message).toMatch(/^Sim could not be reached/);
  });

  it("carries the partner's own message, and never the credentials sent", async () => {
    sim.knobs.failNext = { count: 1, status: 422, body: { errors: [{ message: "order.id is required" }] } };
    const error = await failure(requestJson(deps, "Sim", { method: "POST", path: "/orders", headers: { authorization: "Basic c2tfbGl2ZV9zZWNyZXQ6" }, body: {} }));
    expect(error.failureClass).toBe("permanent");
    expect(error.message).toBe("Sim answered 422: order.id is required");
    expect(JSON.stringify(error)).not.toContain("c2tfbGl2ZV9zZWNyZXQ6");
  });

  it("reads Retry-After on a 429", async () => {
    sim.knobs.failNext = { count: 1, status: 429, headers: { "retry-after": "7" } };
    const error = await failure(requestJson(deps, "Sim", { method: "GET", path: "/x" }));
    expect([error.failureClass, error.retryAfterMs]).toEqual(["rate_limited", 7000]);
  });
});
