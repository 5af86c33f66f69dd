// The alert and retention settings: defaults, and a clear error for each bad value.
import { describe, expect, it } from "vitest";
import { maintenanceSettings, readEnv } from "~/config.server";
import { testEnv } from "../support/harness";

const problems = (env: Record<string, string>) => {
  try {
    readEnv(testEnv(env));
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("alert and retention settings", () => {
  it("default to 5 failures an hour, 90 days, and no email", () => {
    expect(readEnv(testEnv())).toMatchObject({ ALERT_FAILURE_THRESHOLD: 5, RETENTION_DAYS: 90 });
    expect(maintenanceSettings({})).toEqual({ alertFailureThreshold: 5, retentionDays: 90, smtp: null });
  });

  it("read the variables", () => {
    const env = { ALERT_FAILURE_THRESHOLD: "12", RETENTION_DAYS: "30", SMTP_URL: "smtps://u:p@mail.example.com:465", ALERT_EMAIL_FROM: "Partner Sync <alerts@example.com>" };
    expect(readEnv(testEnv(env))).toMatchObject({ ALERT_FAILURE_THRESHOLD: 12, RETENTION_DAYS: 30 });
    expect(maintenanceSettings(env)).toEqual({ alertFailureThreshold: 12, retentionDays: 30, smtp: { url: env.SMTP_URL, from: env.ALERT_EMAIL_FROM } });
  });

  it("refuse bad values with a sentence naming the variable", () => {
    expect(problems({ ALERT_FAILURE_THRESHOLD: "0" })).toContain("ALERT_FAILURE_THRESHOLD must be at least 1");
    expect(problems({ ALERT_FAILURE_THRESHOLD: "many" })).toContain("ALERT_FAILURE_THRESHOLD must be a whole number of failed attempts");
    expect(problems({ RETENTION_DAYS: "2" })).toContain("RETENTION_DAYS must be at least 7");
    expect(problems({ RETENTION_DAYS: "1.5" })).toContain("RETENTION_DAYS must be a whole number of days");
    expect(problems({ SMTP_URL: "mail.example.com", ALERT_EMAIL_FROM: "a@example.com" })).toContain("SMTP_URL must be a URL like smtp://");
    expect(problems({ SMTP_URL: "smtp://mail.example.com:587" })).toContain("ALERT_EMAIL_FROM is required with SMTP_URL");
    expect(problems({ ALERT_EMAIL_FROM: "not an address" })).toContain("ALERT_EMAIL_FROM must be an email address");
  });
});
