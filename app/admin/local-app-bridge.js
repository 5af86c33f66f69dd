// Local App Bridge stand-in (served at /local-app-bridge.js when
// SHOPIFY_LOCAL_APP_BRIDGE=1). Shopify's App Bridge script comes from its CDN,
// which cannot be reached on a machine with no internet; without it an embedded
// page has no session token and every fetch it makes is refused. This script
// does the part of App Bridge the app relies on, the way App Bridge does it:
//
// - `shopify.idToken()` answers the session token. It mints nothing (it has no
//   secret): it relays the token the page was opened with (`id_token`, as the
//   Shopify admin opens an embedded app), kept for the tab in sessionStorage.
//   The browser tests mint that token with the app secret (test/e2e/harness.ts).
// - `fetch` to the app's own origin gets `Authorization: Bearer <token>`, so
//   Remix's data requests authenticate like they do under the real admin.
// - On the library's bounce page (`shopify-reload` in the query) it reloads the
//   target with a token, as App Bridge does.
// - `shopify.toast`, `shopify.loading`, `shopify.config`, `shopify.environment`.
// - `<ui-nav-menu>`: shown as a bar at the top of the page (the real admin moves
//   it into its sidebar), its links navigating inside the app.
//
// Nothing is added to the DOM before the page hydrates (styles go through
// adoptedStyleSheets; toasts and the loading bar are created on first use), so
// React's hydration of the document sees exactly what the server rendered.
(function localAppBridge() {
  "use strict";
  if (window.shopify && window.shopify.__local) return;

  const STORE = "local-app-bridge";
  const script = document.currentScript;
  const params = new URLSearchParams(window.location.search);

  const remember = (name) => {
    const given = params.get(name === "token" ? "id_token" : name);
    if (given) window.sessionStorage.setItem(`${STORE}:${name}`, given);
    return window.sessionStorage.getItem(`${STORE}:${name}`) ?? "";
  };
  remember("token");
  const shop = remember("shop");
  const host = remember("host");

  async function idToken() {
    const token = window.sessionStorage.getItem(`${STORE}:token`);
    if (!token) throw new Error("Local App Bridge: no session token. Open the app with ?shop=...&host=...&embedded=1&id_token=<session token>.");
    return token;
  }

  // The library's bounce page: reload the app URL with a token. Same origin only.
  // The real App Bridge fetches a fresh token from the admin; this one only has
  // the token it was given, so a token the app refused once would loop: say so instead.
  const reloadTarget = params.get("shopify-reload");
  if (reloadTarget) {
    const target = new URL(reloadTarget, window.location.href);
    const refuse = (why) => {
      console.error(`Local App Bridge: ${why}`);
      const show = () => {
        document.body.textContent = `The app refused the session token (${why}). Open the app again with a fresh token.`;
      };
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
      else show();
    };
    if (target.origin !== window.location.origin) refuse("the reload target is on another origin");
    else {
      idToken().then(
        (token) => {
          // The same token bounced back within seconds: the app refused it.
          const last = JSON.parse(window.sessionStorage.getItem(`${STORE}:bounced`) ?? "null");
          if (last && last.token === token && Date.now() - last.at < 10000) return refuse("it was refused");
          window.sessionStorage.setItem(`${STORE}:bounced`, JSON.stringify({ token, at: Date.now() }));
          target.searchParams.set("id_token", token);
          window.location.replace(target.toString());
        },
        (error) => refuse(error.message),
      );
    }
  }

  const originalFetch = window.fetch.bind(window);
  window.fetch = async function fetchWithSessionToken(input, init) {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== window.location.origin || request.headers.has("authorization")) return originalFetch(request);
    request.headers.set("Authorization", `Bearer ${await idToken()}`);
    const response = await originalFetch(request);
    if (response.status === 401) toast.show("Your session has expired. Reload the page to continue.", { isError: true, duration: 10000 });
    return response;
  };

  // ---- Look: one constructed style sheet, rewritten as the location changes.
  const sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const baseCss = `
    ui-nav-menu { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 20px; padding: 10px 20px;
      background: #1a1a1a; font: 500 13px/20px -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; }
    ui-nav-menu::before { content: "Local admin"; color: #b5b5b5; font-weight: 400; margin-right: 8px; }
    ui-nav-menu a { color: #e3e3e3; text-decoration: none; padding: 2px 0; border-bottom: 2px solid transparent; }
    ui-nav-menu a:hover { color: #fff; }
    .local-app-bridge-toasts { position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%); z-index: 1000;
      display: flex; flex-direction: column; gap: 8px; align-items: center; pointer-events: none; }
    .local-app-bridge-toast { background: #1a1a1a; color: #fff; border-radius: 10px; padding: 10px 16px;
      font: 500 13px/20px -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; box-shadow: 0 4px 12px rgba(0,0,0,.25); }
    .local-app-bridge-toast[data-error="true"] { background: #8e1f0b; }
    .local-app-bridge-loading { position: fixed; top: 0; left: 0; height: 3px; width: 100%; z-index: 1001;
      background: linear-gradient(90deg, transparent, #2c6ecb, transparent); background-size: 50% 100%;
      animation: local-app-bridge-loading 1s linear infinite; }
    @keyframes local-app-bridge-loading { from { background-position: -50% 0; } to { background-position: 150% 0; } }`;
  const renderStyles = () => {
    const path = window.location.pathname.replace(/"/g, "");
    sheet.replaceSync(`${baseCss}\n    ui-nav-menu a[href="${path}"] { color: #fff; border-bottom-color: #fff; }`);
  };
  renderStyles();
  for (const method of ["pushState", "replaceState"]) {
    const original = window.history[method].bind(window.history);
    window.history[method] = (...args) => {
      const result = original(...args);
      renderStyles();
      return result;
    };
  }
  window.addEventListener("popstate", renderStyles);

  // ---- Toasts and the loading bar, created on first use.
  let toastHost = null;
  let nextToastId = 1;
  const toast = {
    show(message, options = {}) {
      if (!toastHost) {
        toastHost = document.createElement("div");
        toastHost.className = "local-app-bridge-toasts";
        toastHost.setAttribute("role", "status");
        toastHost.setAttribute("aria-live", "polite");
        document.body.append(toastHost);
      }
      const id = `local-toast-${nextToastId++}`;
      const element = document.createElement("div");
      element.className = "local-app-bridge-toast";
      element.id = id;
      element.dataset.error = String(Boolean(options.isError));
      element.textContent = message;
      toastHost.append(element);
      window.setTimeout(() => element.remove(), options.duration ?? 5000);
      return id;
    },
    hide(id) {
      document.getElementById(id)?.remove();
    },
  };

  let loadingBar = null;
  function loading(isLoading) {
    if (isLoading === undefined) return Boolean(loadingBar);
    if (isLoading && !loadingBar) {
      loadingBar = document.createElement("div");
      loadingBar.className = "local-app-bridge-loading";
      loadingBar.setAttribute("aria-hidden", "true");
      document.body.append(loadingBar);
    } else if (!isLoading && loadingBar) {
      loadingBar.remove();
      loadingBar = null;
    }
  }

  // <ui-nav-menu>: links are plain anchors (Remix <Link>s), which already navigate
  // inside the app; App Bridge also announces the choice as `shopify:navigate`.
  if (!window.customElements.get("ui-nav-menu")) {
    window.customElements.define("ui-nav-menu", class extends HTMLElement {});
  }

  window.shopify = {
    __local: true,
    config: { apiKey: script?.dataset.apiKey ?? "", shop, host, locale: "en-US" },
    origin: window.location.origin,
    ready: Promise.resolve(),
    environment: { embedded: true, mobile: false, pos: false },
    idToken,
    toast,
    loading,
    user: async () => ({}),
  };
})();
