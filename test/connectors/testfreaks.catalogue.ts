// Order #23301's two products (test/fixtures/shopify/orders-updated.tracking-delivered-usd.json)
// as the merchant's catalogue holds them: the ordered variants' size and colour, and
// a sibling variant that was not ordered. For the TestFreaks tests of variant options.
import type { ProductInfo } from "~/orders/canonical";
import { DEFAULT_SHOP_DOMAIN as LOCAL_SHOP, type ProductRecord } from "../simulators/shopify-admin";

export const catalogue: ProductRecord[] = [
  {
    id: "4806450217009",
    title: "Unisex Hoodie",
    handle: "unisex-hoodie",
    vendor: "Spirit",
    productType: "Hoodies",
    onlineStoreUrl: `https://${LOCAL_SHOP}/products/unisex-hoodie`,
    imageUrl: "https://cdn.shopify.com/s/files/1/hoodie.jpg",
    variants: [
      {
        id: "32556228804657",
        selectedOptions: [
          { name: "Size", value: "Youth M (size 10/12)" },
          { name: "Color", value: "Navy" },
        ],
      },
      {
        id: "32556228804658",
        selectedOptions: [
          { name: "Size", value: "Youth L (size 14/16)" },
          { name: "Color", value: "Navy" },
        ],
      },
    ],
  },
  {
    id: "4806449037361",
    title: "Unisex T-Shirt",
    handle: "unisex-t-shirt",
    vendor: "Spirit",
    productType: "T-Shirts",
    onlineStoreUrl: `https://${LOCAL_SHOP}/products/unisex-t-shirt`,
    imageUrl: null,
    variants: [
      {
        id: "32556225757233",
        selectedOptions: [
          { name: "Size", value: "Youth M (size 10/12)" },
          { name: "Color", value: "Deep Navy" },
        ],
      },
    ],
  },
];

/** The product as the look-up answers it (ProductInfo.variantOptions by variant id). */
export function variantOptionsOf(productId: string): ProductInfo["variantOptions"] {
  const product = catalogue.find((p) => p.id === productId);
  return Object.fromEntries((product?.variants ?? []).map((variant) => [variant.id, variant.selectedOptions]));
}
