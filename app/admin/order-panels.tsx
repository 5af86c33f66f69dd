// What the partners' order-page panels share (app/connectors/<partner>/ui.tsx):
// a live read shown when it comes, and the answer shape of their forms.
import { Suspense, type ReactNode } from "react";
import { Await, useFetcher } from "@remix-run/react";
import { BlockStack, Box, SkeletonBodyText, Text } from "@shopify/polaris";
import type { PartnerRead } from "~/connectors/order-page.server";

/** What the order page's action answers: a sentence, and messages by field for a form's wrong input. */
export interface OrderActionResult {
  intent: string;
  ok: boolean;
  message: string;
  fieldErrors: Record<string, string>;
}

/** A fetcher for one of the order page's forms, with the answer when it is for one of `intents`. */
export function useOrderForm(intents: readonly string[]) {
  const fetcher = useFetcher();
  const result = fetcher.data as OrderActionResult | undefined;
  const answer = result && intents.includes(result.intent) ? result : undefined;
  const submitting = fetcher.state !== "idle" ? ((fetcher.formData?.get("intent") as string | null) ?? "") : null;
  return { fetcher, answer, submitting };
}

/** A partner's live answer, with a placeholder while it comes and a sentence when there is nothing. */
export function PartnerReadView<T>({ read, title, children }: { read: Promise<PartnerRead<T>>; title: string; children: (value: T) => ReactNode }) {
  return (
    <Box borderBlockStartWidth="025" borderColor="border" paddingBlockStart="400">
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        <Suspense fallback={<SkeletonBodyText lines={2} />}>
          <Await
            resolve={read}
            errorElement={
              <Text as="p" tone="subdued">
                This could not be loaded. Reload the page to try again.
              </Text>
            }
          >
            {(answer) =>
              answer.status === "ok" ? (
                children(answer.value)
              ) : (
                <Text as="p" tone={answer.status === "error" ? "critical" : "subdued"}>
                  {answer.message}
                </Text>
              )
            }
          </Await>
        </Suspense>
      </BlockStack>
    </Box>
  );
}
