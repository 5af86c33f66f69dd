// Alerts: the shop's incidents (open first, then the last 30 days) and whether
// they are emailed. The banners on every page post their dismiss here too.
import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, BlockStack, Card, Checkbox, EmptyState, IndexTable, Page, Text } from "@shopify/polaris";
import { showToast } from "~/admin/app-bridge";
import { AdminRouteError } from "~/admin/errors";
import { loadAlertsPage, runAlertsAction } from "~/admin/alerts.server";
import { requireShop } from "~/admin/session.server";
import { requestClock } from "~/admin/shop-clock.server";
import { timeZoneNote } from "~/admin/format";

export const meta: MetaFunction = () => [{ title: "Alerts · Partner Sync" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const shopRequest = await requireShop(request);
  const now = new Date();
  const clock = await requestClock(shopRequest, now);
  return { ...(await loadAlertsPage(shopRequest.ctx.db, shopRequest.ctx.runner.env, shopRequest.shop, now, clock.timeZone)), timeZoneNote: timeZoneNote(clock) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { shop, ctx } = await requireShop(request);
  const result = await runAlertsAction(ctx.db, shop, Object.fromEntries(await request.formData()), new Date());
  return data(result, { status: result.ok ? 200 : 400 });
}

export default function Alerts() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  useEffect(() => {
    if (actionData) showToast(actionData.message, { isError: !actionData.ok });
  }, [actionData]);
  const pendingOn = navigation.formData?.get("intent") === "emails" ? navigation.formData.get("on") === "true" : null;
  const emailOn = pendingOn ?? page.email.on;

  return (
    <Page
      title="Alerts"
      subtitle="When a partner refuses the credentials or keeps failing, or orders wait for you to link them or mark them handled, you are told here, on every page, and by email."
      backAction={{ content: "Home", url: "/app" }}
    >
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Email
            </Text>
            <Checkbox
              label="Email me when a partner needs attention"
              checked={emailOn}
              onChange={(on) => submit({ intent: "emails", on: String(on) }, { method: "post" })}
              helpText={
                page.email.deploymentCanEmail
                  ? `One email per problem, and at most one a day, to ${page.email.address ?? "your store's contact email in Shopify"}.`
                  : "This installation of the app has no mail server configured (SMTP_URL): problems show in the app only."
              }
            />
          </BlockStack>
        </Card>
        <Card padding="0">
          {page.alerts.length === 0 ? (
            <EmptyState heading="No problems in the last 30 days" image="">
              <p>Every partner is accepting your orders.</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "alert", plural: "alerts" }}
              itemCount={page.alerts.length}
              selectable={false}
              headings={[{ title: "Problem" }, { title: "Partner" }, { title: "Since" }, { title: "Status" }, { title: "Emailed" }]}
            >
              {page.alerts.map((alert, index) => (
                <IndexTable.Row id={alert.id} key={alert.id} position={index}>
                  <IndexTable.Cell>
                    <Text as="span" fontWeight="semibold">
                      {alert.title}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{alert.partnerName}</IndexTable.Cell>
                  <IndexTable.Cell>{alert.openedText}</IndexTable.Cell>
                  <IndexTable.Cell>{alert.resolvedText ? <Text as="span">Resolved {alert.resolvedText}</Text> : <Badge tone="critical">Open</Badge>}</IndexTable.Cell>
                  <IndexTable.Cell>{alert.emailedText ?? "Not emailed"}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
        {page.alerts.length > 0 && (
          <Text as="p" tone="subdued">
            {page.timeZoneNote}
          </Text>
        )}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError />;
}
