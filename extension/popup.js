/*
 * Precis extension: the toolbar popup. It shows what Precis knows about the paper
 * on the current page (even when the panel stays hidden because Precis knows
 * nothing yet: "Not on Precis yet", with links to add it or ask for a summary),
 * and looks up any arXiv id or DOI the reader types.
 */
/* global PrecisIds, PrecisPanel, PrecisSettings */
(function () {
  "use strict";

  const ext = globalThis.browser || globalThis.chrome;
  const result = document.getElementById("result");
  const form = document.getElementById("manual");
  const query = document.getElementById("query");
  const manualError = document.getElementById("manual-error");

  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(PrecisPanel.STYLES);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch (error) {
    const style = document.createElement("style");
    style.textContent = PrecisPanel.STYLES;
    document.head.appendChild(style);
  }

  function say(text) {
    const line = document.createElement("p");
    line.className = "muted";
    line.textContent = text;
    result.replaceChildren(line);
  }

  async function show(identifier) {
    say(`Asking Precis about ${identifier.scheme === "arxiv" ? "arXiv:" : "doi:"}${identifier.value}…`);
    let data;
    try {
      data = await ext.runtime.sendMessage({ type: "precis:lookup", ...identifier });
    } catch (error) {
      data = { error: "The extension's background script did not answer." };
    }
    if (!data || data.error) {
      say(data ? data.error : "No answer.");
      return;
    }
    result.replaceChildren(PrecisPanel.render(document, data, { titleId: "popup-title" }));
  }

  async function pageIdentifier() {
    try {
      const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
      if (!tab || tab.id === undefined) return null;
      const answer = await ext.tabs.sendMessage(tab.id, { type: "precis:identify" });
      return answer && answer.identifier;
    } catch (error) {
      return null; // no content script there: not a page the extension reads
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const identifier = PrecisIds.detect(query.value);
    if (!identifier) {
      manualError.textContent = "That is not an arXiv id (such as 1512.03385) or a DOI (such as 10.1109/cvpr.2016.90).";
      manualError.hidden = false;
      query.setAttribute("aria-invalid", "true");
      query.focus();
      return;
    }
    manualError.hidden = true;
    query.removeAttribute("aria-invalid");
    show(identifier);
  });

  (async () => {
    const settings = await PrecisSettings.load();
    document.getElementById("server").textContent = settings.server;
    const identifier = await pageIdentifier();
    if (identifier) {
      show(identifier);
    } else {
      say("No paper found on this page. Precis looks on arXiv, OpenReview, ACL Anthology and publishers' article pages.");
    }
  })();
})();
