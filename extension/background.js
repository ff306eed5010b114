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

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only our own pages and content scripts may ask.
  if (!message || sender.id !== ext.runtime.id || message.type !== "precis:lookup") return false;
  lookup(message.scheme, message.value).then(sendResponse);
  return true; // the answer comes asynchronously
});
