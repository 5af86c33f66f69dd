// Erasing a customer's personal data from a stored snapshot (customers/redact).
import type { OrderSnapshot, SnapshotNameValue } from "./snapshot";

const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/;

/**
 * The snapshot with the customer's personal data erased, for the
 * customers/redact compliance webhook: email, names, phones, addresses and
 * any note attribute or line property value that looks like an email. Ids,
 * lines, amounts, fulfillments and refunds stay, so the order can still be
 * reconciled with what partners already hold.
 */
export function redactSnapshotPii(snapshot: OrderSnapshot): OrderSnapshot {
  const eraseEmailLike = (entry: SnapshotNameValue): SnapshotNameValue => (EMAIL_LIKE.test(entry.value) ? { name: entry.name, value: "" } : entry);
  return {
    ...snapshot,
    email: null,
    phone: null,
    customer: snapshot.customer ? { id: snapshot.customer.id, email: null, firstName: null, lastName: null, phone: null } : null,
    shippingAddress: null,
    billingAddress: null,
    noteAttributes: snapshot.noteAttributes.map(eraseEmailLike),
    lineItems: snapshot.lineItems.map((line) => ({ ...line, properties: line.properties.map(eraseEmailLike) })),
    piiRedacted: true,
  };
}
