// TestFreaks' answer format (docs/partners/testfreaks.md): `{data, errors}`, where a
// 2xx that carries `errors` did not apply. Read here for every call.
import { defaultErrorMessage } from "../http";
import { testfreaksMeta } from "./meta";

export const TESTFREAKS = testfreaksMeta.name;

/** The answer's `errors` list when it has one, else null. */
export function envelopeErrors(body: unknown): readonly unknown[] | null {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) && errors.length > 0 ? errors : null;
}

/** The partner's message for a non-2xx answer: its `errors` list when present, else the usual shapes. */
export function testfreaksErrorText(body: unknown, raw: string): string {
  const errors = envelopeErrors(body);
  if (errors) return describeErrors(errors);
  return defaultErrorMessage(body, raw);
}

/** "If .errors is set, it's a list of errors": the element shape is not documented, so read strings and {message|detail|title|error}. */
export function describeErrors(errors: readonly unknown[]): string {
  return errors
    .map((error) => {
      if (typeof error === "string") return error;
      if (error && typeof error === "object") {
        const record = error as Record<string, unknown>;
        const text = [record.message, record.detail, record.title, record.error].find((value) => typeof value === "string" && value.trim() !== "");
        if (typeof text === "string") return text;
      }
      return JSON.stringify(error);
    })
    .join("; ");
}
