import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, readEnv } from "~/config.server";
import { createAppContext } from "~/context.server";
import { createDb } from "~/db.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};

describe("the app's environment", () => {
  it("applies defaults for what is optional", () => {
    const env = readEnv(valid);
    expect([env.DATABASE_URL, env.PORT, env.WORKER]).toEqual(["file:./prisma/dev.sqlite", 3000, "on"]);
  });

  it("lists every problem at once, in words an operator can act on", () => {
    let error: unknown;
    try {
      readEnv({ SHOPIFY_APP_URL: "not a url", PORT: "http", DATABASE_URL: "mysql://x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/SHOPIFY_API_KEY is required/);
    expect(message).toMatch(/SHOPIFY_API_SECRET is required/);
    expect(message).toMatch(/SHOPIFY_APP_URL must be a URL/);
    expect(message).toMatch(/ENCRYPTION_KEY is required/);
    expect(message).toMatch(/PORT must be a port number/);
    expect(message).toMatch(/DATABASE_URL must be a SQLite file URL .* or a Postgres URL/);
  });

  it("refuses to start with an ENCRYPTION_KEY that is not 32 random bytes", () => {
    const db = createDb("file:/tmp/never-opened.sqlite");
    expect(() => createAppContext({ ...valid, ENCRYPTION_KEY: "changeme" }, { db })).toThrow(/ENCRYPTION_KEY must be 32 random bytes/);
  });

  it("does not echo a Postgres password in its error", () => {
    expect(() => readEnv({ ...valid, DATABASE_URL: "mysql://user:hunter2@db/x" })).toThrow(ConfigError);
    try {
      readEnv({ ...valid, DATABASE_URL: "mysql://user:hunter2@db/x" });
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
    }
  });
});
