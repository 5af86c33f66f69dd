// Postcards' settings and wire shapes (the example partner).
import { z } from "zod";

export const postcardsConfigSchema = z.object({
  apiToken: z.string({ error: "Enter your Postcards API token." }).trim().min(1, { error: "Enter your Postcards API token." }),
  senderName: z.string({ error: "Enter the sender name." }).trim().min(1, { error: "Enter the sender name." }).max(40, { error: "A sender name fits in 40 characters." }),
  skipCancelled: z.boolean().default(true),
});
export type PostcardsConfig = z.output<typeof postcardsConfigSchema>;

/** PUT /cards/{order_ref}: one card per order, replaced by a later PUT. */
export const postcardsCardRequestSchema = z.object({
  order_ref: z.string(),
  sender: z.string(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })),
});
export type PostcardsCardRequest = z.infer<typeof postcardsCardRequestSchema>;
