// What the order page shows of the last request a partner accepted
// (SyncJob.lastSentBody): the shape and the business values (amounts, SKUs,
// product names, uuids) for the merchant's support person, with the
// customer's personal data and any secret masked. The stored body has its
// secrets removed already (the runner stores the request, not the headers),
// but this is the last line of defence before the browser: masking is by key
// name AND by value (an email anywhere, whatever its key, is masked).

import { redactSecretQueryParams } from "~/logger";
import { isPartnerSecretKey } from "~/connectors/partners";

const HIDDEN = "[hidden]";
const DOTS = "•••";

/** Credentials by their usual names; each partner's own secret keys (its meta.ts) come from the registry. */
const SECRET_KEY_NAME = /secret|password|passwd|token|api_?key|authori[sz]ation|bearer|jwt|signature/i;
const isSecretKey = (key: string) => SECRET_KEY_NAME.test(key) || isPartnerSecretKey(key);
const EMAIL_KEY = /e_?mail|mail$/i;
const PHONE_KEY = /phone|mobile|^tel$|telephone/i;
/** Person names: first / last / full name fields, and civility (Mr / Mrs), which says who they are. */
const PERSON_NAME_KEY = /first_?name|last_?name|full_?name|customer_?name|display_?name|^civility$/i;
/** Street-level address parts. City and country stay: they say little about who, much about why (currency, carrier). */
const STREET_KEY = /street|^address[12]?$|address_?line|additional_?address|door_?code|^floor$|zip|postal|post_?code|company/i;
/** Objects whose plain `name` is a person's (TestFreaks' customer.name), not a product's (items[].name). */
const PERSON_OBJECT_KEY = /customer|buyer|billing|shipping|address|referrer|advocate|recipient/i;

const EMAIL_IN_TEXT = /[^\s@"<>()]+@[^\s@"<>()]+\.[^\s@"<>()]+/g;

export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return DOTS;
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const tld = dot >= 0 ? domain.slice(dot) : "";
  return `${email[0]}${DOTS}@${DOTS}${tld}`;
}

export function maskName(name: string): string {
  const trimmed = name.trim();
  return trimmed === "" ? "" : `${trimmed[0]}${DOTS}`;
}

/** Keeps the last two digits: enough to tell two numbers apart on a support call. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  return digits.length <= 2 ? DOTS : `${DOTS} ${digits.slice(-2)}`;
}

/** Masks every email address found inside a free text, and any secret a URL in it carries (`?secret=`). */
export function maskEmailsInText(text: string): string {
  return redactSecretQueryParams(text).replace(EMAIL_IN_TEXT, (email) => maskEmail(email));
}

function maskValueByKey(key: string, value: string, parentKey: string | null): string {
  if (isSecretKey(key)) return HIDDEN;
  if (EMAIL_KEY.test(key)) return value.includes("@") ? maskEmail(value) : value === "" ? "" : DOTS;
  if (PHONE_KEY.test(key)) return value === "" ? "" : maskPhone(value);
  if (PERSON_NAME_KEY.test(key)) return maskName(value);
  if (key === "name" && parentKey !== null && PERSON_OBJECT_KEY.test(parentKey)) return maskName(value);
  if (STREET_KEY.test(key)) return value === "" ? "" : DOTS;
  return maskEmailsInText(value);
}

/** A JSON value with personal data and secrets masked; the shape is kept. */
export function maskSensitive(value: unknown, key: string | null = null, parentKey: string | null = null): unknown {
  if (typeof value === "string") return key === null ? maskEmailsInText(value) : maskValueByKey(key, value, parentKey);
  if (typeof value === "number" || typeof value === "boolean") {
    // A secret or a phone sent as a number is still a secret or a phone.
    if (key !== null && (isSecretKey(key) || PHONE_KEY.test(key))) return HIDDEN;
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => maskSensitive(item, null, key ?? parentKey));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value as Record<string, unknown>)) {
      out[childKey] = key !== null && isSecretKey(key) ? HIDDEN : maskSensitive(child, childKey, key ?? parentKey);
    }
    return out;
  }
  return value;
}

/**
 * The stored body as indented JSON with personal data masked, or null when
 * nothing was recorded. A body that is not JSON is not shown at all: it could
 * hold anything.
 */
export function maskedLastSentBody(stored: string | null): string | null {
  if (stored === null || stored.trim() === "" || stored.trim() === "null") return null;
  try {
    return JSON.stringify(maskSensitive(JSON.parse(stored)), null, 2);
  } catch {
    return null;
  }
}
