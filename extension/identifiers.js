/*
 * Precis extension: find the one paper identifier a page names.
 *
 * Pure functions over a URL string and a read-only Document: nothing here writes
 * to the page or touches the network. Loaded as a content script, by the
 * background script (importScripts or the Firefox background page), by the popup,
 * and by the unit tests in Node (module.exports), so it is a classic script that
 * defines one global, PrecisIds.
 *
 * Only what the Precis lookup takes comes out: {scheme: "arxiv" | "doi", value}.
 * The server checks and normalises again; these checks only keep obviously wrong
 * strings from leaving the browser at all.
 */
(function (root) {
  "use strict";

  const MAX_LENGTH = 300;
  // 1512.03385, 0704.0001 (new style, 4 or 5 digits after the dot), with optional vN.
  const ARXIV_NEW = /^(\d{4}\.\d{4,5})(?:v\d{1,3})?$/;
  // hep-th/9901001, math.GT/0309136 (old style), with optional vN.
  const ARXIV_OLD = /^([a-z][a-z-]{1,15}(?:\.[A-Z]{2})?\/\d{7})(?:v\d{1,3})?$/;
  // A DOI: 10.<registrant>/<suffix>; the suffix may hold almost anything but space.
  const DOI = /^10\.\d{4,9}\/[^\s"<>]+$/;
  const ARXIV_HOSTS = new Set(["arxiv.org", "www.arxiv.org", "export.arxiv.org"]);
  const DOI_HOSTS = new Set(["doi.org", "dx.doi.org", "www.doi.org"]);

  function clean(text) {
    if (typeof text !== "string") return "";
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(text)) return "";
    const trimmed = text.trim();
    return trimmed.length > MAX_LENGTH ? "" : trimmed;
  }

  /** An arXiv id without its version ("1512.03385"), or null. */
  function arxivId(text) {
    let value = clean(text).replace(/^arxiv:\s*/i, "").replace(/\.pdf$/i, "");
    if (!value) return null;
    let match = ARXIV_NEW.exec(value);
    if (match) return match[1];
    match = ARXIV_OLD.exec(value);
    return match ? match[1] : null;
  }

  /** A DOI, lower-cased as Precis stores it ("10.1109/cvpr.2016.90"), or null. */
  function doi(text) {
    let value = clean(text)
      .replace(/^doi:\s*/i, "")
      .replace(/^https?:\/\/(?:dx\.|www\.)?doi\.org\//i, "");
    if (/%[0-9a-f]{2}/i.test(value)) {
      try {
        value = decodeURIComponent(value);
      } catch (error) {
        return null;
      }
    }
    value = value.replace(/[.,;]+$/, "");
    return DOI.test(value) ? value.toLowerCase() : null;
  }

  /** What the lookup takes, checked: {scheme, value}, or null. */
  function check(scheme, value) {
    if (scheme === "arxiv") {
      const id = arxivId(value);
      return id ? { scheme, value: id } : null;
    }
    if (scheme === "doi") {
      const id = doi(value);
      return id ? { scheme, value: id } : null;
    }
    return null;
  }

  /** Whatever a reader typed: an arXiv id, a DOI, or either's URL. */
  function detect(text) {
    const value = clean(text);
    if (!value) return null;
    try {
      const fromAddress = /^https?:\/\//i.test(value) ? fromUrl(value) : null;
      if (fromAddress) return fromAddress;
    } catch (error) {
      // not a URL after all
    }
    return check("arxiv", value) || check("doi", value);
  }

  /** The identifier in an arXiv or doi.org address, or null. */
  function fromUrl(href) {
    let url;
    try {
      url = new URL(href);
    } catch (error) {
      return null;
    }
    const host = url.hostname.toLowerCase();
    if (ARXIV_HOSTS.has(host)) {
      // /abs/ID, /pdf/ID, /pdf/ID.pdf, /html/ID, /format/ID; old-style ids keep their slash.
      const match = /^\/(?:abs|pdf|html|format)\/(.+?)\/?$/.exec(url.pathname);
      return match ? check("arxiv", safeDecode(match[1])) : null;
    }
    if (DOI_HOSTS.has(host)) {
      return check("doi", safeDecode(url.pathname.slice(1)));
    }
    return null;
  }

  function safeDecode(text) {
    try {
      return decodeURIComponent(text);
    } catch (error) {
      return "";
    }
  }

  function metaContent(doc, names) {
    for (const name of names) {
      for (const meta of doc.querySelectorAll("meta[name], meta[property]")) {
        const key = (meta.getAttribute("name") || meta.getAttribute("property") || "").toLowerCase();
        if (key === name) {
          const content = meta.getAttribute("content");
          if (content) return content;
        }
      }
    }
    return null;
  }

  /**
   * The identifier in the page's citation metadata (Highwire/Google Scholar tags,
   * which arXiv, ACL Anthology, OpenReview and most publishers write), or null.
   * An arXiv id wins over a DOI: Precis knows more papers by their arXiv id.
   */
  function fromMeta(doc) {
    const arxiv = metaContent(doc, ["citation_arxiv_id"]);
    const fromArxiv = arxiv && check("arxiv", arxiv);
    if (fromArxiv) return fromArxiv;
    const named = metaContent(doc, ["citation_doi", "dc.identifier", "prism.doi", "bepress_citation_doi"]);
    return (named && check("doi", named)) || null;
  }

  /** The first arXiv or doi.org link inside `container`, or null. */
  function fromLinks(container) {
    if (!container) return null;
    const links = container.querySelectorAll("a[href]");
    for (let index = 0; index < links.length && index < 500; index += 1) {
      const found = fromUrl(links[index].href);
      if (found) return found;
    }
    return null;
  }

  // OpenReview has no standard identifier of its own that Precis knows, so after the
  // citation tags it takes the first arXiv or DOI link in the paper's own note (not
  // in the reviews below it, which cite other papers).
  const OPENREVIEW_NOTE = ".forum-note, #forum-note, .forum-container .note";

  /** The identifier of the paper this page is about, or null. */
  function find(href, doc) {
    const fromAddress = fromUrl(href);
    if (fromAddress) return fromAddress;
    if (!doc) return null;
    const fromTags = fromMeta(doc);
    if (fromTags) return fromTags;
    let host = "";
    try {
      host = new URL(href).hostname.toLowerCase();
    } catch (error) {
      return null;
    }
    if (host === "openreview.net" || host.endsWith(".openreview.net")) {
      return fromLinks(doc.querySelector(OPENREVIEW_NOTE));
    }
    return null;
  }

  const api = { arxivId, doi, check, detect, fromUrl, fromMeta, fromLinks, find, MAX_LENGTH };
  root.PrecisIds = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
