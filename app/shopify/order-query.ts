// The Admin GraphQL query that re-reads one order with exactly what the stored
// snapshot keeps (app/orders/snapshot.ts), for the admin's resync and for
// reconciliation; the backfill's bulk query is derived from the same selection
// (app/shopify/bulk-orders.server.ts), so the reads cannot drift apart.
// What each field becomes in the webhook's shape: ./order-translate.ts.

/** Shopify's page size limit; an order with more lines, fulfillments or refunds than this is refused, not truncated. */
export const ORDER_CONNECTION_PAGE = 250;

const MONEY_BAG = `shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }`;
const ADDRESS = `firstName lastName company address1 address2 city province zip countryCodeV2 phone`;

/** The fields of one order, as `order(id:)` selects them (the text inside its braces). */
export const ORDER_SELECTION = `
    id
    name
    email
    phone
    createdAt
    updatedAt
    cancelledAt
    cancelReason
    displayFinancialStatus
    test
    taxesIncluded
    currencyCode
    presentmentCurrencyCode
    totalPriceSet { ${MONEY_BAG} }
    totalShippingPriceSet { ${MONEY_BAG} }
    discountCodes
    customAttributes { key value }
    customer {
      id
      firstName
      lastName
      defaultEmailAddress { emailAddress }
      defaultPhoneNumber { phoneNumber }
    }
    shippingAddress { ${ADDRESS} }
    billingAddress { ${ADDRESS} }
    lineItems(first: ${ORDER_CONNECTION_PAGE}) {
      pageInfo { hasNextPage }
      nodes {
        id
        product { id }
        variant { id }
        sku
        title
        variantTitle
        vendor
        quantity
        requiresShipping
        originalUnitPriceSet { ${MONEY_BAG} }
        discountAllocations { allocatedAmountSet { ${MONEY_BAG} } }
        taxLines { rate priceSet { ${MONEY_BAG} } }
        customAttributes { key value }
      }
    }
    fulfillments(first: ${ORDER_CONNECTION_PAGE}) {
      id
      status
      displayStatus
      createdAt
      updatedAt
      trackingInfo { number }
      fulfillmentLineItems(first: ${ORDER_CONNECTION_PAGE}) {
        pageInfo { hasNextPage }
        nodes { quantity lineItem { id } }
      }
    }
    refunds(first: ${ORDER_CONNECTION_PAGE}) {
      id
      createdAt
      refundLineItems(first: ${ORDER_CONNECTION_PAGE}) {
        pageInfo { hasNextPage }
        nodes { quantity lineItem { id } }
      }
    }
  `;

// Needs read_orders (and read_customers-level protected customer data for the
// names, emails and addresses the partners need).
export const ORDER_FOR_SYNC_QUERY = `#graphql
query OrderForPartnerSync($id: ID!) {
  order(id: $id) {${ORDER_SELECTION}}
}`;

export const orderGid = (orderId: string) => `gid://shopify/Order/${orderId}`;
