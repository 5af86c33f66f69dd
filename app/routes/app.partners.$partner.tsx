// A partner's settings: credentials (write-only secrets), what is sent and
// when, Test connection, pause / resume, and the partner's own widget if it has
// one (Revers.io's SKU -> model mapping: its folder's settings-page.server.ts and
// ui.tsx). One route for every partner of the registry: the form is drawn from the
// partner's meta.ts fields and validated on the server with its zod schema.
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit, type ShouldRevalidateFunction } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import type { AnyConnector } from "~/connectors/types";
import type { AppContext } from "~/context.server";
import { AdminRouteError } from "~/admin/errors";
import { showToast } from "~/admin/app-bridge";
import { secretKeysOf, type FormValues } from "~/connectors/partner-meta";
import { settingsAction, settingsView, type SettingsActionResult, type SettingsDeps, type SettingsView } from "~/admin/partner-settings.server";
import { notFound, requireShop } from "~/admin/session.server";
import { requestClock } from "~/admin/shop-clock.server";
import { SettingsField, VerifyBanner } from "~/admin/settings-components";
import { isFormIntent } from "~/admin/partner-fields";
import { partnerUi } from "~/connectors/ui";
import { BackfillCard } from "~/admin/backfill-card";

/** The partner of the URL, from the registry the app was built with (ctx.runner.connectors). */
function connectorFor(ctx: AppContext, partner: string | undefined): AnyConnector {
  const connector = partner && Object.hasOwn(ctx.runner.connectors, partner) ? ctx.runner.connectors[partner] : undefined;
  if (!connector) throw notFound();
  return connector;
}

function settingsDeps(ctx: AppContext, timeZone?: string): SettingsDeps {
  return { db: ctx.db, keyring: ctx.keyring, env: ctx.runner.env, fetch: ctx.runner.fetch, now: ctx.runner.now, logger: ctx.logger, timeZone };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const shopRequest = await requireShop(request);
  const { shop, ctx } = shopRequest;
  const connector = connectorFor(ctx, params.partner);
  // The page's dates (secrets changed, paused, rate limited until) are the shop's.
  const clock = await requestClock(shopRequest);
  const view = await settingsView(settingsDeps(ctx, clock.timeZone), shop, connector, new URL(request.url).searchParams);
  return { view };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, ctx } = await requireShop(request);
  const connector = connectorFor(ctx, params.partner);
  const result = await settingsAction(settingsDeps(ctx), shop, connector, await request.formData());
  return data(result, { status: result.ok ? 200 : 400 });
}

// Test connection changes nothing stored: keep the page (and what the merchant typed) as it is.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) => (formData?.get("intent") === "test" ? false : defaultShouldRevalidate);

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.view.name} settings` : "Partner settings" }];

export default function PartnerSettingsRoute() {
  const { view } = useLoaderData<typeof loader>();
  // One page component per partner: moving from Reverb to TestFreaks starts from TestFreaks' values.
  return <PartnerSettings key={view.partner} view={view} name={view.name} purpose={view.purpose} />;
}

function statusBadge(view: SettingsView) {
  return view.status.tone ? <Badge tone={view.status.tone}>{view.status.label}</Badge> : <Badge>{view.status.label}</Badge>;
}

function PartnerSettings({ view, name, purpose }: { view: SettingsView; name: string; purpose: string }) {
  const fields = view.fields;
  const Widget = partnerUi(view.partner)?.SettingsWidget;
  // A string, not the array: the loader's revalidation after a save must not run the effect below again.
  const secretKeys = secretKeysOf(view).join(" ");
  const actionData = useActionData<typeof action>() as SettingsActionResult | undefined;
  const navigation = useNavigation();
  const submit = useSubmit();
  const [values, setValues] = useState<FormValues>(view.values);
  const [dismissed, setDismissed] = useState<SettingsActionResult | undefined>(undefined);

  const submitting = navigation.state !== "idle" ? navigation.formData?.get("intent") : null;
  const result = actionData && actionData !== dismissed ? actionData : undefined;
  // A widget's forms (e.g. Revers.io's mapping) answer in the widget.
  const formResult = result && isFormIntent(result.intent) ? result : undefined;
  const errors = formResult && !formResult.ok ? formResult.fieldErrors : {};

  // Once per answer (not again when the loader revalidates after it).
  useEffect(() => {
    if (!actionData?.ok) return;
    if ("message" in actionData && isFormIntent(actionData.intent)) showToast(actionData.message);
    // Saved: the secrets typed are stored now; the fields go back to "a value is set".
    if (actionData.intent === "save") setValues((current) => ({ ...current, ...Object.fromEntries(secretKeys.split(" ").map((k) => [k, ""])) }));
  }, [actionData, secretKeys]);

  const send = (intent: string) => {
    const form = new FormData();
    form.set("intent", intent);
    if (intent === "save" || intent === "test") for (const [key, value] of Object.entries(values)) form.set(key, String(value));
    submit(form, { method: "post" });
  };
  const setField = (key: string) => (value: string | boolean) => setValues((current) => ({ ...current, [key]: value }));
  const renderFields = (section: "credentials" | "settings") =>
    fields
      .filter((f) => f.section === section)
      .map((field) => <SettingsField key={field.key} field={field} value={values[field.key] ?? ""} secret={view.secrets[field.key]} error={errors[field.key]} onChange={setField(field.key)} />);

  const pauseAction = view.configured
    ? view.enabled
      ? { content: "Pause syncing", destructive: true, onAction: () => send("pause"), loading: submitting === "pause" }
      : { content: "Resume syncing", onAction: () => send("resume"), loading: submitting === "resume" }
    : null;

  return (
    <Page title={name} subtitle={purpose} titleMetadata={statusBadge(view)} backAction={{ content: "Dashboard", url: "/app" }} secondaryActions={pauseAction ? [pauseAction] : []}>
      <BlockStack gap="500">
        {view.storedProblem && (
          <Banner tone="critical" title="Saved settings unreadable">
            <p>{view.storedProblem}</p>
          </Banner>
        )}
        {view.pausedReason && (
          <Banner tone="critical" title={`Syncing to ${name} is paused`}>
            <BlockStack gap="200">
              <p>{view.pausedReason}</p>
              {view.status.credentialsRefused && (
                <p>
                  {name} refused the saved credentials{view.pausedAt ? ` on ${view.pausedAt}` : ""}. Enter working ones, test them and save: the orders held meanwhile are sent then.
                </p>
              )}
            </BlockStack>
          </Banner>
        )}
        {view.configured && !view.enabled && (
          <Banner tone="warning" title={`You paused syncing to ${name}`} action={{ content: "Resume syncing", onAction: () => send("resume") }}>
            <p>New orders are not sent to {name} while it is paused. Orders placed meanwhile can be sent later from the sync log (Resync).</p>
          </Banner>
        )}
        {view.rateLimit && (
          <Banner tone="info" title={`${name} asked the app to slow down`}>
            <p>{view.rateLimit}</p>
            {view.holdUntil && <p>Orders are sent again from {view.holdUntil}.</p>}
          </Banner>
        )}
        {!view.configured && (
          <Banner tone="info" title={`${name} is not set up yet`}>
            <p>Enter your credentials, test the connection, then save. Orders placed from then on are sent to {name}.</p>
          </Banner>
        )}
        {formResult && !formResult.ok && formResult.formError && (
          <Banner tone="critical" title={formResult.formError} onDismiss={() => setDismissed(actionData)}>
            {Object.keys(errors).length > 0 && <p>See the messages under the fields below.</p>}
          </Banner>
        )}
        {formResult?.ok && "verify" in formResult && <VerifyBanner partnerName={name} result={formResult.verify} onDismiss={() => setDismissed(actionData)} />}

        <Layout>
          <Layout.AnnotatedSection id="credentials" title="Credentials" description="Stored encrypted for this store only. A saved secret is never shown again: leave its field empty to keep it.">
            <Card>
              <FormLayout>{renderFields("credentials")}</FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection id="settings" title="What is sent" description={`How orders are described to ${name}.`}>
            <Card>
              <FormLayout>{renderFields("settings")}</FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.Section>
            <BlockStack gap="200">
              <InlineStack align="end" gap="200">
                <Button onClick={() => send("test")} loading={submitting === "test"} disabled={Boolean(submitting) && submitting !== "test"}>
                  Test connection
                </Button>
                <Button variant="primary" onClick={() => send("save")} loading={submitting === "save"} disabled={Boolean(submitting) && submitting !== "save"}>
                  Save
                </Button>
              </InlineStack>
              {view.updatedAt && (
                <Text as="p" tone="subdued" alignment="end" variant="bodySm">
                  Last saved {view.updatedAt}
                </Text>
              )}
            </BlockStack>
          </Layout.Section>
          {view.configured && (
            <Layout.AnnotatedSection id="backfill" title="Past orders" description={`Send ${name} the orders placed before it was set up.`}>
              <BackfillCard partner={view.partner} partnerName={name} />
            </Layout.AnnotatedSection>
          )}
          {Widget && view.widget !== null && <Widget data={view.widget} />}
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError />;
}
