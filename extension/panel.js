/*
 * Precis extension: the panel's contents, built element by element from the
 * lookup's JSON. Used by the content script (inside a shadow root on the paper's
 * page) and by the popup. Defines one global, PrecisPanel.
 *
 * Nothing from the server is ever assigned as HTML. The excerpt arrives as a small
 * subset of HTML (precis/api/panel.py); it is parsed in an inert document and
 * copied node by node, keeping only the elements and attributes allowed below and
 * dropping everything else with its contents. Links are kept only when they point
 * into the configured Precis server.
 */
(function (root) {
  "use strict";

  const MATHML_NS = "http://www.w3.org/1998/Math/MathML";
  const PROSE = new Set(["p", "br", "em", "strong", "code", "sub", "sup", "del", "s", "ul", "ol", "li", "blockquote"]);
  const MATHML = new Set([
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
    "mtable", "mtr", "mtd", "mlabeledtr", "mstyle", "mpadded", "mphantom", "menclose",
    "merror", "mmultiscripts", "mprescripts", "none",
  ]);
  const MATHML_ATTRIBUTES = new Set([
    "mathvariant", "stretchy", "fence", "separator", "accent", "accentunder", "columnalign",
    "rowalign", "rowspacing", "columnspacing", "linethickness", "lspace", "rspace", "width",
    "height", "depth", "minsize", "maxsize", "movablelimits", "largeop", "form", "symmetric",
    "scriptlevel", "displaystyle", "notation", "display", "encoding",
  ]);
  const ATTRIBUTE_VALUE = /^[A-Za-z0-9 .%+/-]{0,40}$/;
  const MAX_NODES = 4000;
  const MAX_DEPTH = 40;
  const MAX_EXCERPT_CHARS = 20000;

  /** The excerpt as a DocumentFragment of `doc`, rebuilt against the allowlist. */
  function buildExcerpt(doc, html) {
    const fragment = doc.createDocumentFragment();
    if (typeof html !== "string" || !html || html.length > MAX_EXCERPT_CHARS) return fragment;
    // DOMParser makes an inert document: no scripts run, nothing loads.
    const parsed = new DOMParser().parseFromString(`<!DOCTYPE html><body>${html}`, "text/html");
    let budget = MAX_NODES;

    function copy(node, parent, depth) {
      if (budget <= 0 || depth > MAX_DEPTH) return;
      budget -= 1;
      if (node.nodeType === 3) {
        parent.appendChild(doc.createTextNode(node.nodeValue));
        return;
      }
      if (node.nodeType !== 1) return;
      const name = node.localName;
      let element;
      if (node.namespaceURI === MATHML_NS && MATHML.has(name)) {
        element = doc.createElementNS(MATHML_NS, name);
        for (const attribute of Array.from(node.attributes)) {
          if (MATHML_ATTRIBUTES.has(attribute.name) && ATTRIBUTE_VALUE.test(attribute.value)) {
            element.setAttribute(attribute.name, attribute.value);
          }
        }
      } else if (node.namespaceURI === "http://www.w3.org/1999/xhtml" && PROSE.has(name)) {
        element = doc.createElement(name); // no attributes at all
      } else {
        return; // anything else goes, with what it holds
      }
      for (const child of Array.from(node.childNodes)) copy(child, element, depth + 1);
      parent.appendChild(element);
    }

    for (const child of Array.from(parsed.body.childNodes)) copy(child, fragment, 0);
    return fragment;
  }

  /** `href` if it is an http(s) address on the Precis server, else null. */
  function safeLink(href, server) {
    if (typeof href !== "string" || !server) return null;
    try {
      const url = new URL(href);
      const base = new URL(server);
      if ((url.protocol === "https:" || url.protocol === "http:") && url.origin === base.origin) {
        return url.href;
      }
    } catch (error) {
      return null;
    }
    return null;
  }

  function count(n, one, many) {
    const number = Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
    return `${number.toLocaleString("en")} ${number === 1 ? one : many}`;
  }

  /** Whether the panel is worth showing on a page: Precis has something on the paper. */
  function worthShowing(data) {
    if (!data || data.found !== true) return false;
    return data.summary_count > 0 || data.question_count > 0 || data.open_finding_count > 0;
  }

  function element(doc, name, className, text) {
    const node = doc.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(doc, href, text, className) {
    const anchor = element(doc, "a", className, text);
    anchor.href = href;
    // A new tab, with no Referer: Precis never learns which page the reader was on.
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
    anchor.referrerPolicy = "no-referrer";
    return anchor;
  }

  /**
   * The panel's body for a lookup answer `data` (with `data.server`), as an element
   * of `doc`. `options.titleId` names the heading for aria-labelledby.
   */
  function render(doc, data, options = {}) {
    const server = data.server;
    const links = data.links || {};
    const box = element(doc, "div", "precis-body");

    const head = element(doc, "p", "precis-title");
    if (options.titleId) head.id = options.titleId;
    head.appendChild(element(doc, "span", "precis-brand", "Precis"));
    head.appendChild(doc.createTextNode(" "));
    const summaries = data.found ? count(data.summary_count, "summary", "summaries") : "Not on Precis yet";
    head.appendChild(element(doc, "span", "precis-count", data.found && !data.summary_count ? "No summaries yet" : summaries));
    box.appendChild(head);

    if (data.found && data.title) box.appendChild(element(doc, "p", "precis-paper", data.title));

    const best = data.best_summary;
    if (best && typeof best.panel_html === "string" && best.panel_html) {
      const excerpt = element(doc, "div", "precis-excerpt");
      excerpt.appendChild(buildExcerpt(doc, best.panel_html));
      box.appendChild(excerpt);
      const bestUrl = safeLink(best.url, server);
      if (bestUrl) {
        const more = element(doc, "p", "precis-more");
        more.appendChild(link(doc, bestUrl, "Read this summary"));
        box.appendChild(more);
      }
    }

    const extras = [];
    if (data.question_count > 0) extras.push(count(data.question_count, "question", "questions"));
    if (data.open_finding_count > 0) {
      extras.push(count(data.open_finding_count, "open finding", "open findings"));
    }
    if (extras.length) box.appendChild(element(doc, "p", "precis-extras", extras.join(" · ")));

    const actions = [];
    if (data.found) {
      actions.push([links.read, data.summary_count > 0 ? "All summaries" : "Paper page"]);
      actions.push([links.write, "Write a summary"]);
      if (!data.summary_count) actions.push([links.request, "Request a summary"]);
      if (data.question_count > 0) actions.push([links.questions, "Questions"]);
      actions.push([links.collect, "Add to a collection"]);
    } else {
      actions.push([links.add, "Add it to Precis"]);
      const add = safeLink(links.add, server);
      if (add) actions.push([`${add}#summaries-heading`, "Request a summary"]);
    }
    const list = element(doc, "ul", "precis-links");
    for (const [href, text] of actions) {
      const safe = safeLink(href, server);
      if (!safe) continue;
      const item = element(doc, "li");
      item.appendChild(link(doc, safe, text));
      list.appendChild(item);
    }
    if (list.childNodes.length) {
      const nav = element(doc, "nav");
      nav.setAttribute("aria-label", "Precis links");
      nav.appendChild(list);
      box.appendChild(nav);
    }
    return box;
  }

  // One stylesheet for the panel (in its shadow root) and the popup. Colours follow
  // the site's (precis/static/css/site.css), light and dark.
  const STYLES = `
:host, .precis-root {
  --precis-bg: #ffffff; --precis-text: #1f1d1a; --precis-muted: #5d5850;
  --precis-border: #ddd7cc; --precis-link: #1c4f94; --precis-focus: #c24e00;
  --precis-surface-2: #f3f0e9;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :host, .precis-root {
    --precis-bg: #1d2025; --precis-text: #e6e3dc; --precis-muted: #a9a499;
    --precis-border: #343940; --precis-link: #8fb9ff; --precis-focus: #ffb066;
    --precis-surface-2: #262a30;
  }
}
:host { all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483646; }
.precis-panel {
  box-sizing: border-box; width: min(22rem, calc(100vw - 32px)); max-height: min(28rem, calc(100vh - 32px));
  overflow: auto; padding: 0.75rem 0.9rem; background: var(--precis-bg); color: var(--precis-text);
  border: 1px solid var(--precis-border); border-radius: 6px;
  box-shadow: 0 2px 10px rgb(0 0 0 / 0.18);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
  text-align: left;
}
.precis-panel:focus-visible { outline: 2px solid var(--precis-focus); outline-offset: 2px; }
.precis-head { display: flex; align-items: flex-start; gap: 0.5rem; }
.precis-head .precis-body { flex: 1; }
.precis-body > * { margin: 0 0 0.5rem; }
.precis-body > :last-child { margin-bottom: 0; }
.precis-title { font-weight: 600; }
.precis-brand { color: var(--precis-link); }
.precis-paper { color: var(--precis-muted); font-size: 0.9em; }
.precis-excerpt {
  font-family: Charter, "Bitstream Charter", Cambria, "Noto Serif", Georgia, serif;
  border-left: 3px solid var(--precis-border); padding-left: 0.6rem;
}
.precis-excerpt > * { margin: 0 0 0.4rem; }
.precis-excerpt math { font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", math; }
.precis-excerpt math[display="block"] { display: block; overflow-x: auto; margin: 0.3rem 0; }
.precis-excerpt code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; background: var(--precis-surface-2); padding: 0 0.2em; border-radius: 3px; }
.precis-extras { color: var(--precis-muted); font-size: 0.9em; }
.precis-links { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.9rem; }
a { color: var(--precis-link); text-decoration: underline; text-underline-offset: 2px; }
a:focus-visible, button:focus-visible { outline: 2px solid var(--precis-focus); outline-offset: 2px; border-radius: 2px; }
.precis-close {
  flex: none; min-width: 24px; min-height: 24px; padding: 0 0.3rem; margin: -0.2rem -0.3rem 0 0;
  font: inherit; font-size: 1.2rem; line-height: 1; color: var(--precis-muted);
  background: transparent; border: 1px solid transparent; border-radius: 4px; cursor: pointer;
}
.precis-close:hover { color: var(--precis-text); border-color: var(--precis-border); }
@media (prefers-reduced-motion: no-preference) { .precis-panel { transition: opacity 120ms ease-out; } }
@media print { :host { display: none !important; } }
`;

  const api = { buildExcerpt, safeLink, worthShowing, render, STYLES, MATHML_NS };
  root.PrecisPanel = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
