// What the admin's order page shows for Reverb (the server part is ./order-page.server.ts):
// the order's referral with a form to credit a referrer, and, while Reverb may hold the
// order without the app knowing its id, the form to link it or mark it handled.
import { useEffect, useState } from "react";
import { Banner, BlockStack, Box, Button, DataTable, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { showToast } from "~/admin/app-bridge";
import { formatDateTime } from "~/admin/format";
import { PartnerReadView, useOrderForm } from "~/admin/order-panels";
import type { PartnerRead } from "../order-page.server";
import type { PartnerUi } from "../ui";
import { reverbMeta } from "./meta";
import type { ReferralView } from "./order-page.server";

/** `timeZone`: the shop's, from the order page's loader (the dates read the same on the server and in the browser). */
function ReferralSection({ read, timeZone }: { read: Promise<PartnerRead<ReferralView[]>>; timeZone: string }) {
  return (
    <BlockStack gap="400">
      <PartnerReadView read={read} title="Referral in Reverb">
        {(referrals) =>
          referrals.length === 0 ? (
            <Text as="p" tone="subdued">
              No referrer is credited for this order.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text"]}
              headings={["Date", "Level", "Reward", "Status"]}
              rows={referrals.map((r) => [
                r.referralDate ? formatDateTime(new Date(r.referralDate), timeZone) : "—",
                r.level ?? "—",
                r.rewardEarned ? `${r.rewardEarned}${r.rewardType ? ` (${r.rewardType})` : ""}` : "—",
                r.rewardPaid === null ? "—" : r.rewardPaid ? "Reward paid" : "Reward not paid yet",
              ])}
              increasedTableDensity
            />
          )
        }
      </PartnerReadView>
      <CreditReferrerForm />
    </BlockStack>
  );
}

function CreditReferrerForm() {
  const { fetcher, answer: credit, submitting } = useOrderForm(["credit"]);
  const [email, setEmail] = useState("");

  useEffect(() => {
    if (credit?.ok) {
      showToast(credit.message);
      setEmail("");
    }
  }, [credit]);

  return (
    <fetcher.Form method="post" noValidate>
      <input type="hidden" name="intent" value="credit" />
      <FormLayout>
        <Text as="h3" variant="headingSm">
          Credit a referrer
        </Text>
        {credit && !credit.fieldErrors.referrerEmail && (
          <Banner tone={credit.ok ? "success" : "critical"}>
            <p>{credit.message}</p>
          </Banner>
        )}
        <TextField
          label="Referrer's email"
          name="referrerEmail"
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="off"
          helpText="The Reverb advocate who referred this customer. Reverb records a referred purchase for them."
          error={credit?.fieldErrors.referrerEmail}
        />
        <InlineStack>
          <Button submit loading={submitting !== null}>
            Credit referrer
          </Button>
        </InlineStack>
      </FormLayout>
    </fetcher.Form>
  );
}

/**
 * An order Reverb may hold without the app knowing its id: the merchant pastes the
 * id from Reverb's dashboard (the app reads it back before storing it), or marks the
 * order handled. Neither posts the order again (docs/partners/reverb.md).
 */
function ReverbUnknownOrderForm() {
  const { fetcher, answer, submitting } = useOrderForm(["reverb-link", "reverb-handled"]);
  const [uuid, setUuid] = useState("");

  useEffect(() => {
    if (answer?.ok) showToast(answer.message);
  }, [answer]);

  return (
    <Box background="bg-surface-secondary" padding="400" borderRadius="200">
      <BlockStack gap="300">
        <Text as="h3" variant="headingSm">
          Is this order in Reverb?
        </Text>
        <Text as="p">
          Open Reverb's dashboard and look for this order. If it is there, paste its id: the app checks it with Reverb and sends later changes as updates of it. If Reverb needs nothing more for it,
          mark it handled. The app never posts it again by itself, which could create a second order.
        </Text>
        {answer && !answer.ok && !answer.fieldErrors.reverbOrderUuid && (
          <Banner tone="critical">
            <p>{answer.message}</p>
          </Banner>
        )}
        <fetcher.Form method="post" noValidate>
          <input type="hidden" name="intent" value="reverb-link" />
          <FormLayout>
            <TextField label="The order's id in Reverb" name="reverbOrderUuid" value={uuid} onChange={setUuid} autoComplete="off" monospaced error={answer?.fieldErrors.reverbOrderUuid} />
            <InlineStack gap="200">
              <Button submit loading={submitting === "reverb-link"} disabled={submitting !== null && submitting !== "reverb-link"}>
                Look it up and link it
              </Button>
            </InlineStack>
          </FormLayout>
        </fetcher.Form>
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="reverb-handled" />
          <Button submit variant="plain" loading={submitting === "reverb-handled"} disabled={submitting !== null && submitting !== "reverb-handled"}>
            Mark it handled (the app sends nothing to Reverb for it)
          </Button>
        </fetcher.Form>
      </BlockStack>
    </Box>
  );
}

export const reverbUi: PartnerUi = {
  id: reverbMeta.id,
  OrderLive: ReferralSection,
  OrderJob: ({ job }) => (job.createState === "sending" || job.createState === "accepted_without_id" ? <ReverbUnknownOrderForm /> : null),
};
