// Which base URLs partner:smoke takes for a test environment (app/cli/partner-smoke.ts).
import { expect, it } from "vitest";
import { environmentOf } from "~/cli/partner-smoke";

it.each([
  ["https://reverbapi.trackstreet.com/api/v1/", "https://reverbapi.trackstreet.com/api/v1", false],
  ["https://demo-customer-api.revers.io/api/v1", "https://customer-api.revers.io/api/v1", true],
  ["https://api.testfreaks.com/v1", "https://api.testfreaks.com/v1", false],
  ["https://api.sandbox.testfreaks.com/v1", "https://api.testfreaks.com/v1", true],
  ["https://testfreaks-proxy.example.com/v1", "https://api.testfreaks.com/v1", false],
  ["http://localhost:4010", "https://api.testfreaks.com/v1", true],
  ["not a url", "https://api.testfreaks.com/v1", false],
] as const)("%s (production: %s) is a test environment: %s", (url, production, sandbox) => {
  expect(environmentOf(url, production).sandbox).toBe(sandbox);
});
