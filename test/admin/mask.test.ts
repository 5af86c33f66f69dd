import { describe, expect, it } from "vitest";
import { maskedLastSentBody, maskEmail, maskSensitive } from "~/admin/mask.server";
import { buildCanonicalOrder } from "~/orders/build";
import { planReverbOrder } from "~/connectors/reverb/map";
import { planTestfreaksOrder } from "~/connectors/testfreaks/map";
import { importOrderBody, planReversioOrder } from "~/connectors/reversio/map";
import { reversioConfigSchema } from "~/connectors/reversio/schema";
import { extractFulfillment } from "~/orders/read-webhook";
import { mergeFulfillment } from "~/orders/merge";
import { fixtureBody, snapshotOf } from "../orders/given";

function assertNoPii(text: string, values: string[]) {
  for (const value of values) expect(text).not.toContain(value);
}

describe("masking what was last sent", () => {
  it("masks a Revers.io import: names, email, phones, street, zip, company; keeps amounts, city and the order reference", () => {
    const body = {
      orderReference: "#29448",
      civility: "Mrs",
      customerFirstName: "Jane",
      customerLastName: "Doe",
      customerMail: "jane.doe@example.com",
      phoneNumber: "+44 20 7946 0958",
      address: {
        companyName: "Doe Ltd",
        streetAddress: "1 Downing Street",
        additionalAddress: "Flat 2",
        doorCode: "1234",
        floor: "3",
        zipCode: "SW1A 2AA",
        city: "London",
        countryCode: "GB",
        phone: "+44 20 7946 0958",
      },
      products: [{ modelId: "0d8e2b5f-8f1d-4d11-9f60-2f1f1c5d8a11", price: { amount: 30.25, currency: "GBP" }, orderLineReference: "123-1" }],
      salesChannel: "Shopify",
    };

    const masked = maskSensitive(body) as typeof body;
    const text = JSON.stringify(masked);

    assertNoPii(text, ["Jane", "Doe", "jane.doe@example.com", "7946 0958", "Downing", "Flat 2", "1234", "SW1A", "Mrs"]);
    expect(masked.customerMail).toBe("j•••@•••.com");
    expect(masked.customerFirstName).toBe("J•••");
    expect(masked.phoneNumber).toBe("••• 58");
    expect(masked.address.city).toBe("London");
    expect(masked.address.countryCode).toBe("GB");
    expect(masked.orderReference).toBe("#29448");
    expect(masked.products).toEqual(body.products);
  });

  it("masks TestFreaks' customer name but not the product names, and a guest email used as the customer id", () => {
    const body = {
      order: {
        id: "#1071",
        customer: { id: "guest@example.org", name: "Jane Doe", email: "guest@example.org" },
        items: [{ id: "SKU-1", name: "The Collection Snowboard: Hydrogen", url: "https://shop.example/products/x" }],
      },
    };
    const masked = maskSensitive(body) as typeof body;
    expect(masked.order.customer).toEqual({ id: "g•••@•••.org", name: "J•••", email: "g•••@•••.org" });
    expect(masked.order.items[0]!.name).toBe("The Collection Snowboard: Hydrogen");
  });

  it("hides secrets whatever their nesting, and emails in any field", () => {
    const masked = maskSensitive({
      apiKey: "sk_live_123",
      auth: { consumer_secret: "s3cr3t", token: { value: "jwt" } },
      referral_records: [{ campaign_uuid: "c-1", level: "1", referrer_email: "friend@example.net" }],
      note: "Referred by friend@example.net, call back",
    });
    const text = JSON.stringify(masked);
    assertNoPii(text, ["sk_live_123", "s3cr3t", "jwt", "friend@example.net"]);
    expect(masked).toMatchObject({ apiKey: "[hidden]", auth: { consumer_secret: "[hidden]", token: { value: "[hidden]" } }, note: "Referred by f•••@•••.net, call back" });
  });

  // #29448 (GBP, shipped by the derived fulfillment) is the fixture Revers.io imports.
  it.each([
    ["orders-create.discount-code-cad", ["reverb", "testfreaks"]],
    ["orders-updated.eur-fulfilled", ["reverb", "testfreaks"]],
    ["orders-create.gbp-presentment", ["reverb", "testfreaks", "reversio"]],
  ])("leaves none of the personal data of %s in the planned requests of %s", (fixture, partners) => {
    const fulfillment = extractFulfillment(fixtureBody("fulfillments-create.gbp-presentment.derived"));
    if (!fulfillment.ok) throw new Error(fulfillment.error);
    const received = snapshotOf(fixture);
    const snapshot = received.orderId === fulfillment.orderId ? mergeFulfillment(received, fulfillment.fulfillment) : received;
    const order = buildCanonicalOrder("shop.myshopify.com", snapshot);
    const personal = [
      snapshot.email,
      snapshot.customer?.firstName,
      snapshot.customer?.lastName,
      snapshot.shippingAddress?.address1,
      snapshot.shippingAddress?.zip,
      snapshot.shippingAddress?.phone,
      snapshot.billingAddress?.address1,
    ].filter((v): v is string => !!v && v.length > 2);
    expect(personal.length).toBeGreaterThan(3);

    const products = new Map(
      order.lineItems
        .filter((l) => l.productId)
        .map((l) => [l.productId!, { productId: l.productId!, handle: "h", title: l.title, url: "https://shop.example/p", imageUrl: null, vendor: "Vendor", productType: "Type" }]),
    );
    const requests: unknown[] = [];
    const planned: string[] = [];
    const keep = (partner: string, request: unknown) => {
      planned.push(partner);
      requests.push(request);
    };
    const reverb = planReverbOrder(order, products, {
      consumerKey: "k",
      consumerSecret: "s",
      websiteUuid: "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
      campaignUuid: "1b4e28ba-2fa1-11d2-883f-0016d3cca428",
      referrerEmailAttribute: "reverb_referrer_email",
      referrerLevelAttribute: "reverb_level",
    });
    if (reverb.kind === "send") keep("reverb", reverb.request);
    const testfreaks = planTestfreaksOrder(order, products, { itemIdSource: "sku", orderIdSource: "name" });
    if (testfreaks.kind === "send") keep("testfreaks", testfreaks.request);
    const reversio = planReversioOrder(order, products, reversioConfigSchema.parse({ subscriptionKey: "key", secretValue: "secret" }));
    if (reversio.kind === "send") keep("reversio", importOrderBody(reversio.request, new Map(reversio.request.products.map((p) => [p.sku, "0d8e2b5f-8f1d-4d11-9f60-2f1f1c5d8a11"]))));

    expect(planned).toEqual(partners);
    for (const request of requests) {
      const raw = JSON.stringify(request);
      // The request really carries personal data: otherwise this test proves nothing.
      expect(personal.some((value) => raw.includes(value))).toBe(true);
      assertNoPii(maskedLastSentBody(raw)!, personal);
    }
  });

  it("shows nothing for no body, a JSON null (a partner that had the order already) or text that is not JSON", () => {
    expect(maskedLastSentBody(null)).toBeNull();
    expect(maskedLastSentBody("null")).toBeNull();
    expect(maskedLastSentBody("jane.doe@example.com")).toBeNull();
    expect(maskedLastSentBody('{"a":1}')).toBe('{\n  "a": 1\n}');
  });

  it("keeps an email's first letter and top-level domain only", () => {
    expect(maskEmail("jane.doe+shopifytest@example.com")).toBe("j•••@•••.com");
    expect(maskEmail("nope")).toBe("•••");
  });
});
