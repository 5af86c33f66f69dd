// Postcards' answer format: `{"card": {"id"}}` when it took the card, `{"error"}` when not.
import { z } from "zod";
import { partnerMalformed } from "~/connectors/errors";
import { postcardsMeta } from "./meta";

export const POSTCARDS = postcardsMeta.name;

const cardAnswerSchema = z.object({ card: z.object({ id: z.string().min(1) }) });

/** The card's id in an accepted answer; a 2xx without one is malformed. */
export function cardIdOf(body: unknown, status: number): string {
  const parsed = cardAnswerSchema.safeParse(body);
  if (!parsed.success) throw partnerMalformed(POSTCARDS, status, "the answer carries no card id");
  return parsed.data.card.id;
}
