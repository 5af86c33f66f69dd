import { describe, expect, it } from "vitest";
import { buildCanonicalOrder } from "~/orders/build";
import { redactSnapshotPii } from "~/orders/redact";
import type { OrderSnapshot } from "~/orders/snapshot";
import { orderFixtureNames } from "../fixtures/shopify/index";
import { fixtureBody, snapshotOf } from "./given";

describe("redactSnapshotPii (customers/redact)", () => {
  function personalValues(snapshot: OrderSnapshot): string[] {
    const values = [snapshot.email, snapshot.phone, snapshot.customer?.email, snapshot.customer?.firstName];
    values.push(snapshot.customer?.lastName, snapshot.customer?.phone);
    for (const address of [snapshot.shippingAddress, snapshot.billingAddress]) {
      if (!address) continue;
      const { firstName, lastName, company, address1, address2, city, zip, phone } = address;
      values.push(firstName, lastName, company, address1, address2, city, zip, phone);
    }
    return values.filter((value): value is string => typeof value === "string" && value !== "");
  }

  const customerOrders = orderFixtureNames.filter((name) => snapshotOf(name).customer !== null);

  it.each(customerOrders)("leaves none of the customer's data in the stored JSON of %s", (name) => {
    const snapshot = snapshotOf(name);
    const personal = personalValues(snapshot);
    expect(personal.length).toBeGreaterThan(0);

    const storedText = JSON.stringify(redactSnapshotPii(snapshot));

    for (const value of personal) expect(storedText).not.toContain(value);
  });

  it("erases an email-like note attribute and keeps ids, lines and amounts", () => {
    const body = fixtureBody("orders-create.gbp-presentment.json");
    body.note_attributes = [...(body.note_attributes as unknown[]), { name: "reverb_referrer_email", value: "friend@example.org" }];
    const snapshot = snapshotOf(body);

    const redacted = redactSnapshotPii(snapshot);

    expect(JSON.stringify(redacted)).not.toContain("friend@example.org");
    expect(redacted.noteAttributes).toContainEqual({ name: "reverb_referrer_email", value: "" });
    expect(redacted.noteAttributes).toContainEqual({ name: "_source", value: "Rebuy" });
    expect(redacted).toMatchObject({
      orderId: "11985328570699",
      customerId: "10592223560011",
      customer: { id: "10592223560011", email: null, firstName: null, lastName: null, phone: null },
      piiRedacted: true,
      total: snapshot.total,
      lineItems: snapshot.lineItems,
    });
  });

  it("still builds a canonical order, with no email to send", () => {
    const order = buildCanonicalOrder("shop.myshopify.com", redactSnapshotPii(snapshotOf("orders-create.gbp-presentment.json")));

    expect(order.customer).toEqual({ id: "10592223560011", email: null, firstName: null, lastName: null, phone: null });
    expect(order.shippingAddress).toBeNull();
  });
});
