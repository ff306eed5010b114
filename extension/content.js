/*
 * Precis extension: the content script on paper pages (arXiv, OpenReview, ACL
 * Anthology, doi.org and publishers' article pages), and, when the reader has
 * switched on "Look for papers on every site", on every other page as well, where
 * only the page's citation meta tags can name a paper (background.js registers it).
 *
 * It reads the page only to find the paper's identifier (its address, its
 * citation_* meta tags, or on OpenReview the paper's own arXiv/DOI link), hands
 * that identifier to the background script, and shows a small panel when Precis
 * has something on the paper. It sends nothing else anywhere.
 */
/* global PrecisIds, PrecisPanel, PrecisSettings */
(function () {
  "use strict";

  if (window.top !== window || window.__precisLoaded) return;
  window.__precisLoaded = true;

  const ext = globalThis.browser || globalThis.chrome;
  const HOST_ID = "precis-extension-panel";
  // OpenReview draws its notes after the page loads: watch for this long.
  const WATCH_MS = 10000;
  // What the popup (and the tests) can ask: the identifier and what became of it.
  const state = { identifier: null, status: "looking" };

  ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!message || sender.id !== ext.runtime.id || message.type !== "precis:identify") return false;
    sendResponse({ identifier: state.identifier, status: state.status });
    return false;
  });

  function mount(data) {
    const old = document.getElementById(HOST_ID);
    if (old) old.remove();
    const host = document.createElement("div");
    host.id = HOST_ID;
    // An open root, so that accessibility tools and tests can reach it; it holds
    // only what Precis answers anyone who asks (the lookup is public).
    const shadow = host.attachShadow({ mode: "open" });
    addStyles(shadow);

    const panel = document.createElement("aside");
    panel.className = "precis-panel";
    panel.setAttribute("aria-labelledby", "precis-title");
    panel.tabIndex = -1;
    const head = document.createElement("div");
    head.className = "precis-head";
    head.appendChild(PrecisPanel.render(document, data, { titleId: "precis-title" }));
    const close = document.createElement("button");
    close.type = "button";
    close.className = "precis-close";
    close.textContent = "×";
    close.setAttribute("aria-label", "Close the Precis panel");
    close.addEventListener("click", () => dismiss(host));
    head.appendChild(close);
    panel.appendChild(head);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        dismiss(host);
      }
    });
    shadow.appendChild(panel);
    (document.body || document.documentElement).appendChild(host);
    state.status = "shown";
  }

  function addStyles(shadow) {
    // A constructed sheet is outside the page's Content-Security-Policy (style-src);
    // where a content script cannot adopt one (Firefox), a <style> element, which
    // Firefox exempts from the page's policy for extensions, does.
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(PrecisPanel.STYLES);
      shadow.adoptedStyleSheets = [sheet];
      return;
    } catch (error) {
      const style = document.createElement("style");
      style.textContent = PrecisPanel.STYLES;
      shadow.appendChild(style);
    }
  }

  function dismiss(host) {
    const hadFocus = host.shadowRoot && host.shadowRoot.activeElement;
    host.remove();
    state.status = "dismissed";
    if (hadFocus && document.body) {
      // Give focus back to the page rather than losing it.
      document.body.focus({ preventScroll: true });
    }
  }

  async function show(identifier) {
    state.identifier = identifier;
    state.status = "asking";
    const settings = await PrecisSettings.load();
    if (!settings.showPanel) {
      state.status = "off";
      return;
    }
    let data;
    try {
      data = await ext.runtime.sendMessage({ type: "precis:lookup", ...identifier });
    } catch (error) {
      data = null;
    }
    if (!data || data.error) {
      state.status = "unreachable";
      return;
    }
    if (!PrecisPanel.worthShowing(data)) {
      state.status = data.found ? "nothing-yet" : "unknown";
      return;
    }
    mount(data);
  }

  function start() {
    const identifier = PrecisIds.find(location.href, document);
    if (identifier) {
      show(identifier);
      return;
    }
    const host = location.hostname;
    if (!(host === "openreview.net" || host.endsWith(".openreview.net"))) {
      state.status = "none";
      return;
    }
    const observer = new MutationObserver(() => {
      const found = PrecisIds.find(location.href, document);
      if (found) {
        observer.disconnect();
        clearTimeout(timer);
        show(found);
      }
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      state.status = "none";
    }, WATCH_MS);
    observer.observe(document.documentElement, { childList: true, subtree: true });
  }

  start();
})();
