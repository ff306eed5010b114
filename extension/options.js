/*
 * Precis extension: the options page. Saves the server's address and asks the
 * browser for access to that one site (an optional host permission, requested
 * while the reader's click still counts as a gesture). The lookup is open to any
 * origin (CORS), so the extension works while the reader has not granted it yet;
 * the permission spares each lookup the cross-origin check.
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
