// Pieces of the partner settings page (app/routes/app.partners.$partner.tsx).
import { useEffect, useState } from "react";
import { Form, useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, DataTable, EmptyState, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type { VerifyResult } from "~/connectors/types";
import type { FieldSpec } from "./partner-fields";
import { showToast } from "./app-bridge";
import type { ModelMapping, SecretState, SettingsActionResult } from "./partner-settings.server";

export function SettingsField({
  field,
  value,
  secret,
  error,
  onChange,
}: {
  field: FieldSpec;
  value: string | boolean;
  secret?: SecretState;
  error?: string;
  onChange: (value: string | boolean) => void;
}) {
  const id = `field-${field.key}`;
  switch (field.kind) {
    case "secret": {
      // The stored value never reaches the page: the field is empty, and says whether a value is kept.
      const help = secret?.set ? `A value is set — changed ${secret.changedAt}. Leave empty to keep it.` : field.helpText;
      return (
        <TextField
          id={id}
          name={field.key}
          label={field.label}
          type="password"
          autoComplete="new-password"
          value={String(value)}
          onChange={onChange}
          helpText={help}
          placeholder={secret?.set ? "Unchanged" : undefined}
          error={error}
        />
      );
    }
    case "text":
      return (
        <TextField
          id={id}
          name={field.key}
          label={field.label}
          autoComplete="off"
          value={String(value)}
          onChange={onChange}
          helpText={field.helpText}
          placeholder={field.placeholder ?? field.defaultValue}
          monospaced={field.monospace}
          error={error}
        />
      );
    case "select":
      return <Select id={id} name={field.key} label={field.label} options={field.options} value={String(value)} onChange={onChange} helpText={field.helpText} error={error} />;
    case "checkbox":
      return <Checkbox id={id} name={field.key} label={field.label} checked={value === true} onChange={(checked) => onChange(checked)} helpText={field.helpText} error={error} />;
  }
}

/** The answer of Test connection, in plain words. */
export function VerifyBanner({ partnerName, result, onDismiss }: { partnerName: string; result: VerifyResult; onDismiss: () => void }) {
  switch (result.status) {
    case "valid":
      return (
        <Banner tone="success" title={`Connection works: ${partnerName} accepted these credentials`} onDismiss={onDismiss}>
          <p>{result.message} Save to start sending orders with them.</p>
        </Banner>
      );
    case "invalid_credentials":
      return (
        <Banner tone="critical" title={`Invalid credentials: ${partnerName} refused them`} onDismiss={onDismiss}>
          <p>{result.message}</p>
        </Banner>
      );
    case "unreachable":
      return (
        <Banner tone="warning" title={`${partnerName} could not be reached`} onDismiss={onDismiss}>
          <p>{result.message} Your credentials were not checked; try again in a few minutes.</p>
        </Banner>
      );
  }
}

/** Revers.io: SKU -> model mapping, editable. A row the merchant sets is pinned: catalog lookups never replace it. */
export function ModelMappingSection({ mappings }: { mappings: { rows: ModelMapping[]; total: number; search: string } }) {
  const fetcher = useFetcher<SettingsActionResult>();
  const [sku, setSku] = useState("");
  const [modelId, setModelId] = useState("");
  const [search, setSearch] = useState(mappings.search);
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const errors = result && !result.ok && result.intent.startsWith("mapping") ? result.fieldErrors : {};
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
              <p>
                The app fills this table as it sends orders: each SKU it finds in the Revers.io catalog is remembered here. Add a mapping when a
                product&apos;s SKU is not the one Revers.io knows.
              </p>
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
