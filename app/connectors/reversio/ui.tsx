// What the admin's settings page shows for Revers.io besides its form: the SKU -> model
// mapping (the server part is ./settings-page.server.ts).
import { useEffect, useState } from "react";
import { Form, useFetcher } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, EmptyState, FormLayout, InlineStack, Layout, Text, TextField } from "@shopify/polaris";
import { showToast } from "~/admin/app-bridge";
import { isFormIntent } from "~/admin/partner-fields";
import type { SettingsActionResult } from "~/admin/partner-settings.server";
import type { PartnerUi } from "../ui";
import { reversioMeta } from "./meta";
import type { ModelMappings } from "./settings-page.server";

function MappingWidget({ data }: { data: ModelMappings }) {
  return (
    // Full width: the table needs room for SKUs and model ids.
    <Layout.Section>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            SKU → model mapping
          </Text>
          <Text as="p" tone="subdued">
            Every product sent to Revers.io needs a Revers.io model. The app finds models by SKU and remembers them here; a mapping you set is never replaced by a lookup.
          </Text>
        </BlockStack>
        <ModelMappingSection mappings={data} />
      </BlockStack>
    </Layout.Section>
  );
}

/** Revers.io: SKU -> model mapping, editable. A row the merchant sets is pinned: catalog lookups never replace it. */
function ModelMappingSection({ mappings }: { mappings: ModelMappings }) {
  const fetcher = useFetcher<SettingsActionResult>();
  const [sku, setSku] = useState("");
  const [modelId, setModelId] = useState("");
  const [search, setSearch] = useState(mappings.search);
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const errors = result && !result.ok && !isFormIntent(result.intent) ? result.fieldErrors : {};
  const busy = fetcher.state !== "idle";
  const busyIntent = busy ? fetcher.formData?.get("intent") : null;

  useEffect(() => {
    if (result?.ok && "message" in result) {
      showToast(result.message);
      if (result.intent === "mapping-save") {
        setSku("");
        setModelId("");
      }
    }
  }, [result]);

  const saveMapping = () => fetcher.submit({ intent: "mapping-save", sku, modelId }, { method: "post" });
  const removeMapping = (rowSku: string) => fetcher.submit({ intent: "mapping-delete", sku: rowSku }, { method: "post" });

  const rows = mappings.rows.map((row) => [
    <Text as="span" key="sku" fontWeight="medium" breakWord>
      {row.sku}
    </Text>,
    <Text as="span" key="model" variant="bodySm">
      <code>{row.modelId}</code>
    </Text>,
    row.pinned ? "Set by you" : "Found in the catalog",
    row.updatedAt,
    <InlineStack key="actions" gap="200" wrap={false}>
      <Button
        size="slim"
        onClick={() => {
          setSku(row.sku);
          setModelId(row.modelId);
        }}
        accessibilityLabel={`Edit the mapping of ${row.sku}`}
      >
        Edit
      </Button>
      <Button size="slim" tone="critical" variant="plain" onClick={() => removeMapping(row.sku)} accessibilityLabel={`Remove the mapping of ${row.sku}`}>
        Remove
      </Button>
    </InlineStack>,
  ]);

  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="300">
          <Text as="h3" variant="headingSm">
            Map a SKU to a model
          </Text>
          <FormLayout>
            <FormLayout.Group>
              <TextField label="SKU" name="sku" autoComplete="off" value={sku} onChange={setSku} error={errors.sku} />
              <TextField
                label="Revers.io model id"
                name="modelId"
                autoComplete="off"
                monospaced
                value={modelId}
                onChange={setModelId}
                error={errors.modelId}
                placeholder="3f1c2a9e-8d4b-4c1e-9a7f-2b6d5e8c0a11"
              />
            </FormLayout.Group>
          </FormLayout>
          <InlineStack align="end">
            <Button onClick={saveMapping} loading={busyIntent === "mapping-save"}>
              Save mapping
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
      <Card padding="0">
        <BlockStack gap="0">
          <div style={{ padding: "var(--p-space-400)" }}>
            <Form method="get">
              <InlineStack gap="200" blockAlign="end">
                <div style={{ flexGrow: 1 }}>
                  <TextField label="Search by SKU" name="sku" autoComplete="off" value={search} onChange={setSearch} labelHidden placeholder="Search by SKU" />
                </div>
                <Button submit>Search</Button>
              </InlineStack>
            </Form>
          </div>
          {rows.length === 0 ? (
            <EmptyState heading={mappings.search ? `No SKU matches “${mappings.search}”` : "No SKUs mapped yet"} image="">
              <p>The app fills this table as it sends orders: each SKU it finds in the Revers.io catalog is remembered here. Add a mapping when a product&apos;s SKU is not the one Revers.io knows.</p>
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text", "text"]}
              headings={["SKU", "Model id", "Source", "Updated", ""]}
              rows={rows}
              footerContent={mappings.total > mappings.rows.length ? `Showing ${mappings.rows.length} of ${mappings.total} SKUs: search to find the others.` : undefined}
            />
          )}
        </BlockStack>
      </Card>
    </BlockStack>
  );
}

export const reversioUi: PartnerUi = { id: reversioMeta.id, SettingsWidget: MappingWidget };
