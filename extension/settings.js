/*
 * Precis extension: the reader's settings (the Precis server, whether to show the
 * panel, whether to look for papers on every site), kept in extension storage.
 * Shared by the background script, the content script, the popup and the options
 * page; defines one global, PrecisSettings.
 */
(function (root) {
  "use strict";

  // What `make demo` serves. `make extension EXTENSION_SERVER_URL=https://…` packages
  // another default (extension/build.py rewrites this line).
  const DEFAULT_SERVER = "http://127.0.0.1:8000";
  const DEFAULTS = { server: DEFAULT_SERVER, showPanel: true };

  const ext = root.browser || root.chrome;

  /**
   * The server's base URL from what a reader typed: http or https, no user name or
   * password, no query or fragment, no trailing slash. Throws Error with a sentence.
   */
  function normalizeServer(text) {
    const value = String(text || "").trim();
    if (!value) throw new Error("Give the address of a Precis server, such as https://precis.example.org.");
    let url;
    try {
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
    } catch (error) {
      throw new Error(`“${value.slice(0, 80)}” is not a web address.`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new Error("The address must start with https:// (or http:// for a server on your own machine).");
    }
    if (url.username || url.password) throw new Error("Leave the user name and password out of the address.");
    if (url.search || url.hash) throw new Error("Leave the query (?…) and fragment (#…) out of the address.");
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  }

  /** The match pattern of the server's host permission (patterns take no port). */
  function permissionPattern(server) {
    const url = new URL(server);
    return `${url.protocol}//${url.hostname}/*`;
  }

  function area() {
    // storage.sync follows the reader between their browsers; where it is off or
    // unavailable, local storage does.
    return ext.storage.sync || ext.storage.local;
  }

  async function load() {
    let stored = {};
    try {
      stored = await area().get(DEFAULTS);
    } catch (error) {
      stored = await ext.storage.local.get(DEFAULTS);
    }
    const settings = { ...DEFAULTS, ...stored };
    try {
      settings.server = normalizeServer(settings.server);
    } catch (error) {
      settings.server = DEFAULT_SERVER;
    }
    settings.showPanel = settings.showPanel !== false;
    return settings;
  }

  async function save(changes) {
    const values = {};
    if ("server" in changes) values.server = normalizeServer(changes.server);
    if ("showPanel" in changes) values.showPanel = Boolean(changes.showPanel);
    try {
      await area().set(values);
    } catch (error) {
      await ext.storage.local.set(values);
    }
    return values;
  }

  // "Look for papers on every site": off unless the reader ticks it on the options
  // page, which asks for access to these (optional host permissions). Kept in this
  // browser's local storage, like the permission it goes with: permissions do not
  // follow the reader to their other browsers.
  const ALL_SITES = ["https://*/*", "http://*/*"];

  async function loadEverySite() {
    const { everySite } = await ext.storage.local.get({ everySite: false });
    return everySite === true;
  }

  async function saveEverySite(on) {
    await ext.storage.local.set({ everySite: on === true });
  }

  const api = {
    DEFAULT_SERVER,
    DEFAULTS,
    ALL_SITES,
    normalizeServer,
    permissionPattern,
    load,
    save,
    loadEverySite,
    saveEverySite,
  };
  root.PrecisSettings = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
