import type { z } from "zod";

/** zod issues as one message per field path ("apiKey" -> "API key is required"), for forms and the CLI. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(file)";
    out[path] ??= issue.message;
  }
  return out;
}
