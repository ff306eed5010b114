/*
 * Precis extension: the options page. Saves the server's address and asks the
 * browser for access to that one site (an optional host permission, requested
 * while the reader's click still counts as a gesture). The lookup is open to any
 * origin (CORS), so the extension works while the reader has not granted it yet;
 * the permission spares each lookup the cross-origin check. Also switches "Look for
 * papers on every site" on (asking for access to all sites) and off (handing it back).
 */
/* global PrecisSettings */
(function () {
  "use strict";

  const ext = globalThis.browser || globalThis.chrome;
  const form = document.getElementById("settings");
  const server = document.getElementById("server");
  const showPanel = document.getElementById("show-panel");
  const status = document.getElementById("status");

  function report(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  PrecisSettings.load().then((settings) => {
    if (!server.value) server.value = settings.server; // unless the reader was quicker
    showPanel.checked = settings.showPanel;
  });

  // "Look for papers on every site": on only while the reader has granted access to
  // all sites; the background script registers the content script for them.
  const everySite = document.getElementById("every-site");
  Promise.all([
    PrecisSettings.loadEverySite(),
    ext.permissions.contains({ origins: PrecisSettings.ALL_SITES }),
  ]).then(([on, granted]) => {
    everySite.checked = on && granted;
  });

  async function applyEverySite() {
    const answer = await ext.runtime.sendMessage({ type: "precis:every-site" });
    if (!answer || answer.error) throw new Error((answer && answer.error) || "no answer");
    return answer.on;
  }

  everySite.addEventListener("change", () => {
    if (everySite.checked) {
      // Asked first, inside the click: Firefox grants nothing once an await has passed.
      let permission;
      try {
        permission = ext.permissions.request({ origins: PrecisSettings.ALL_SITES });
      } catch (error) {
        permission = Promise.reject(error);
      }
      Promise.resolve(permission)
        .then(async (granted) => {
          if (!granted) {
            everySite.checked = false;
            report("Not switched on: access to all sites was not granted.", true);
            return;
          }
          await PrecisSettings.saveEverySite(true);
          const on = await applyEverySite();
          everySite.checked = on;
          report(
            on
              ? "On: the extension looks for papers on every site, and still sends only their identifiers."
              : "Not switched on: access to all sites was not granted.",
            !on,
          );
        })
        .catch((error) => {
          everySite.checked = false;
          report(`Not switched on: ${error.message}`, true);
        });
      return;
    }
    PrecisSettings.saveEverySite(false)
      .then(applyEverySite)
      .then(async () => {
        try {
          await ext.permissions.remove({ origins: PrecisSettings.ALL_SITES });
        } catch (error) {
          // Access the browser gave at install cannot be handed back; the script is gone anyway.
        }
        report("Off: the extension reads only the sites it lists.");
      })
      .catch((error) => report(`Not switched off: ${error.message}`, true));
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    let address;
    try {
      address = PrecisSettings.normalizeServer(server.value);
    } catch (error) {
      report(error.message, true);
      server.setAttribute("aria-invalid", "true");
      server.focus();
      return;
    }
    server.removeAttribute("aria-invalid");
    // Asked first, inside the click: Firefox grants nothing once an await has passed.
    let permission;
    try {
      permission = ext.permissions.request({ origins: [PrecisSettings.permissionPattern(address)] });
    } catch (error) {
      permission = Promise.resolve(false);
    }
    PrecisSettings.save({ server: address, showPanel: showPanel.checked }).then(
      () => {
        server.value = address;
        report(`Saved. The extension asks ${address}.`);
        Promise.resolve(permission).then(
          (granted) => {
            report(
              granted
                ? `Saved. The extension asks ${address}, and may reach it directly.`
                : `Saved. The extension asks ${address} (access to the site was not granted; lookups still work, as they are open to any site).`,
            );
          },
          () => {},
        );
      },
      (error) => report(`Not saved: ${error.message}`, true),
    );
  });
})();
