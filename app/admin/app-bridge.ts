// Where the local App Bridge stand-in is served (app/routes/local-app-bridge[.]js.ts).
// Client-safe: app.tsx's component reads it.
export const LOCAL_APP_BRIDGE_PATH = "/local-app-bridge.js";
