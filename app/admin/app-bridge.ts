// Where the local App Bridge stand-in is served (app/routes/local-app-bridge[.]js.ts).
// Client-safe: app.tsx's component reads it.
export const LOCAL_APP_BRIDGE_PATH = "/local-app-bridge.js";

interface AppBridgeGlobal {
  toast: { show(message: string, options?: { duration?: number; isError?: boolean }): string };
  loading(isLoading?: boolean): void;
}

/** App Bridge's global (the real script or the local stand-in), when it has loaded. */
function appBridge(): AppBridgeGlobal | undefined {
  return typeof window === "undefined" ? undefined : (window as unknown as { shopify?: AppBridgeGlobal }).shopify;
}

/** A toast in the admin (App Bridge); nothing when App Bridge is absent. Call from effects or handlers, not render. */
export function showToast(message: string, options: { isError?: boolean; duration?: number } = {}): void {
  appBridge()?.toast.show(message, options);
}
