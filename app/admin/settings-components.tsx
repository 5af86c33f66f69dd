// Pieces of the partner settings page (app/routes/app.partners.$partner.tsx).
import { Banner, Checkbox, Select, TextField } from "@shopify/polaris";
import type { VerifyResult } from "~/connectors/types";
import type { FieldSpec } from "./partner-fields";
import type { SecretState } from "./partner-settings.server";

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
