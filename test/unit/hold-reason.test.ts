import { describe, expect, it } from "vitest";
import { HOLD_REASONS, holdMessage, holdReasonOf } from "~/sync/hold-reason";
import { JOB_STATUS_MEANINGS, JOB_STATUSES, jobStatusMeaning } from "~/sync/job-status";

describe("hold reasons", () => {
  it("are read back as stored, null as not held, and a value no release knows is refused rather than taken for no hold", () => {
    for (const reason of HOLD_REASONS) expect(holdReasonOf(reason)).toBe(reason);
    expect(holdReasonOf(null)).toBeNull();
    expect(() => holdReasonOf("paused_by_partner")).toThrow(/unknown hold reason "paused_by_partner"/);
  });

  it("build the sentence the merchant reads, with the partner's own words where there are some", () => {
    expect(holdMessage("merchant_pause", "Reverb")).toBe("Syncing to Reverb is paused in the app's settings");
    expect(holdMessage("credentials_refused", "TestFreaks", "TestFreaks answered 401: Invalid API key.")).toBe("TestFreaks refused the credentials: TestFreaks answered 401: Invalid API key.");
    expect(holdMessage("rate_limit_hold", "Revers.io", "Revers.io answered 429")).toBe("Revers.io answered 429");
    expect(holdMessage("rate_limit_hold", "Revers.io")).toMatch(/^Revers\.io asked the app to wait/);
  });
});

describe("job statuses", () => {
  it("each has a label for the admin and one for the order page action; an unknown one is shown as it is", () => {
    for (const status of JOB_STATUSES) expect(jobStatusMeaning(status)).toBe(JOB_STATUS_MEANINGS[status]);
    expect(jobStatusMeaning("archived")).toMatchObject({ admin: { label: "archived", tone: undefined }, extension: { label: "archived", hint: "" }, lastErrorIsReason: false });
    expect(JOB_STATUSES.filter((status) => JOB_STATUS_MEANINGS[status].lastErrorIsReason)).toEqual(["skipped", "paused"]);
  });
});
