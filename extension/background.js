/*
 * Precis extension: the background script (Chromium's service worker, Firefox's
 * event page). It alone talks to the Precis server, so the request comes from the
 * extension, not from the page: the page's address never goes along as a Referer
 * or an Origin, and no cookies are sent or stored.
 */
/* global PrecisIds, PrecisSettings */
"use strict";

if (typeof importScripts === "function" && typeof PrecisIds === "undefined") {
  // Chromium's service worker; Firefox lists these files before this one.
  importScripts("identifiers.js", "settings.js");
}

const ext = globalThis.browser || globalThis.chrome;
const LOOKUP_TIMEOUT_MS = 8000;

/**
 * Ask the server about one identifier. The request holds the identifier and
 * nothing else: no cookies (credentials "omit"), no Referer, no custom headers
 * (so no CORS preflight), and the browser's HTTP cache answers repeats from the
 * server's Cache-Control and ETag.
 */
async function lookup(scheme, value) {
  const checked = PrecisIds.check(scheme, value);
  if (!checked) return { error: "That is not an arXiv id or DOI." };
  const { server } = await PrecisSettings.load();
  const url = new URL(`${server}/api/v1/lookup`);
  url.search = new URLSearchParams({ [checked.scheme]: checked.value }).toString();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), LOOKUP_TIMEOUT_MS);
  try {
    const response = await fetch(url.href, {
      method: "GET",
      credentials: "omit",
      referrerPolicy: "no-referrer",
      cache: "default",
      redirect: "error",
      headers: { Accept: "application/json" },
      signal: controller.signal,
    });
    if (!response.ok) return { error: `Precis answered ${response.status}.`, server };
    const data = await response.json();
    return { ...data, server, identifier: checked };
  } catch (error) {
    return { error: `Precis at ${server} could not be reached.`, server };
  } finally {
    clearTimeout(timer);
  }
}

/*
 * "Look for papers on every site" (off by default). The manifest's content script
 * runs on a fixed list of sites; with the option on and the reader's grant of
 * access to all sites, the same scripts are registered for every other http(s)
 * page too, where they act only when the page's citation meta tags name a paper
 * (PrecisIds.find reads nothing else outside arXiv, doi.org and OpenReview).
 * Registered exactly when both hold; checked again whenever either changes.
 */
const EVERY_SITE_ID = "precis-every-site";
let everySiteQueue = Promise.resolve(false);

async function applyEverySite() {
  const wanted =
    (await PrecisSettings.loadEverySite()) &&
    (await ext.permissions.contains({ origins: PrecisSettings.ALL_SITES }));
  const registered = await ext.scripting.getRegisteredContentScripts({ ids: [EVERY_SITE_ID] });
  if (wanted && registered.length === 0) {
    const listed = ext.runtime.getManifest().content_scripts[0];
    await ext.scripting.registerContentScripts([
      {
        id: EVERY_SITE_ID,
        matches: PrecisSettings.ALL_SITES,
        excludeMatches: listed.matches, // the listed sites have the manifest's script
        js: listed.js,
        runAt: "document_idle",
        allFrames: false,
        persistAcrossSessions: true,
      },
    ]);
  } else if (!wanted && registered.length > 0) {
    await ext.scripting.unregisterContentScripts({ ids: [EVERY_SITE_ID] });
  }
  return wanted;
}

/** Bring the registration in line with the setting and the permission, one at a time. */
function syncEverySite() {
  const result = everySiteQueue.then(applyEverySite, applyEverySite);
  everySiteQueue = result.catch(() => false);
  return result;
}

ext.runtime.onInstalled.addListener(() => syncEverySite());
ext.runtime.onStartup.addListener(() => syncEverySite());
ext.permissions.onAdded.addListener(() => syncEverySite());
ext.permissions.onRemoved.addListener(() => syncEverySite());
ext.storage.onChanged.addListener((changes, areaName) => {
  if (areaName === "local" && "everySite" in changes) syncEverySite();
});

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only our own pages and content scripts may ask.
  if (!message || sender.id !== ext.runtime.id) return false;
  if (message.type === "precis:lookup") {
    lookup(message.scheme, message.value).then(sendResponse);
    return true; // the answer comes asynchronously
  }
  const fromOwnPage = String(sender.url || "").startsWith(ext.runtime.getURL(""));
  if (message.type === "precis:every-site" && fromOwnPage) {
    // From the options page (not a content script): apply the option now, say if it is on.
    syncEverySite().then(
      (on) => sendResponse({ on }),
      (error) => sendResponse({ error: String((error && error.message) || error) }),
    );
    return true;
  }
  return false;
});
