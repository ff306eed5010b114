// Unit tests of identifier extraction and the settings' address rules, in Node:
//   node --test extension/tests/
// (run by extension/tests/test_extension_package.py). The page-level cases use a
// tiny stand-in for a Document that answers the two selectors identifiers.js uses.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const ids = require("../identifiers.js");
const settings = require("../settings.js");

function fakeDocument({ meta = {}, noteLinks = [] } = {}) {
  const metas = Object.entries(meta).map(([name, content]) => ({
    getAttribute: (attribute) => ({ name, content })[attribute] ?? null,
  }));
  const note = {
    querySelectorAll: () => noteLinks.map((href) => ({ href })),
  };
  return {
    querySelectorAll: (selector) => (selector.startsWith("meta") ? metas : []),
    querySelector: () => (noteLinks.length ? note : null),
  };
}

test("arXiv addresses give the id without its version", () => {
  const cases = {
    "https://arxiv.org/abs/1512.03385": "1512.03385",
    "https://arxiv.org/abs/1512.03385v3": "1512.03385",
    "https://arxiv.org/pdf/1512.03385v2": "1512.03385",
    "https://arxiv.org/pdf/1512.03385v2.pdf": "1512.03385",
    "https://arxiv.org/html/2401.12345v1": "2401.12345",
    "https://www.arxiv.org/abs/0704.0001": "0704.0001",
    "https://export.arxiv.org/abs/hep-th/9901001v2": "hep-th/9901001",
    "https://arxiv.org/abs/math.GT/0309136": "math.GT/0309136",
    "https://arxiv.org/abs/1512.03385?context=cs#section": "1512.03385",
  };
  for (const [url, expected] of Object.entries(cases)) {
    assert.deepEqual(ids.fromUrl(url), { scheme: "arxiv", value: expected }, url);
  }
});

test("other arXiv pages and malformed ids give nothing", () => {
  for (const url of [
    "https://arxiv.org/list/cs.LG/recent",
    "https://arxiv.org/abs/",
    "https://arxiv.org/abs/banana",
    "https://arxiv.org/abs/1512.033",
    "https://arxiv.org/abs/1512.03385v99999",
    "https://evil.example/abs/1512.03385",
    "not a url",
  ]) {
    assert.equal(ids.fromUrl(url), null, url);
  }
});

test("doi.org addresses give the DOI, lower-cased and decoded", () => {
  assert.deepEqual(ids.fromUrl("https://doi.org/10.1109/CVPR.2016.90"), {
    scheme: "doi",
    value: "10.1109/cvpr.2016.90",
  });
  assert.deepEqual(ids.fromUrl("https://dx.doi.org/10.1002%2F%28SICI%291097-4571"), {
    scheme: "doi",
    value: "10.1002/(sici)1097-4571",
  });
  assert.equal(ids.fromUrl("https://doi.org/"), null);
  assert.equal(ids.fromUrl("https://doi.org/11.1000/x"), null);
  assert.equal(ids.fromUrl("https://doi.org/10.1000/%E0%A4%A"), null); // broken escape
});

test("citation meta tags name the paper; an arXiv id wins over a DOI", () => {
  const both = fakeDocument({ meta: { citation_doi: "10.18653/v1/N19-1423", citation_arxiv_id: "1810.04805" } });
  assert.deepEqual(ids.find("https://aclanthology.org/N19-1423/", both), { scheme: "arxiv", value: "1810.04805" });
  const doiOnly = fakeDocument({ meta: { citation_doi: "doi:10.18653/v1/N19-1423" } });
  assert.deepEqual(ids.find("https://aclanthology.org/N19-1423/", doiOnly), {
    scheme: "doi",
    value: "10.18653/v1/n19-1423",
  });
  const dublinCore = fakeDocument({ meta: { "DC.Identifier": "https://doi.org/10.1145/3065386" } });
  assert.deepEqual(ids.find("https://dl.acm.org/doi/10.1145/3065386", dublinCore), {
    scheme: "doi",
    value: "10.1145/3065386",
  });
  const junk = fakeDocument({ meta: { citation_doi: "not a doi", citation_arxiv_id: "nope" } });
  assert.equal(ids.find("https://dl.acm.org/doi/x", junk), null);
});

test("on OpenReview the paper's own arXiv link names it, when no tag does", () => {
  const page = fakeDocument({ noteLinks: ["https://github.com/x/y", "https://arxiv.org/abs/1706.03762v5"] });
  assert.deepEqual(ids.find("https://openreview.net/forum?id=abc123", page), { scheme: "arxiv", value: "1706.03762" });
  // Elsewhere, links in the page are not read.
  assert.equal(ids.find("https://dl.acm.org/doi/x", page), null);
  assert.equal(ids.find("https://openreview.net/forum?id=abc123", fakeDocument()), null);
});

test("typed identifiers: ids, prefixed ids, DOIs and their addresses", () => {
  assert.deepEqual(ids.detect(" arXiv:1512.03385v2 "), { scheme: "arxiv", value: "1512.03385" });
  assert.deepEqual(ids.detect("10.1109/CVPR.2016.90"), { scheme: "doi", value: "10.1109/cvpr.2016.90" });
  assert.deepEqual(ids.detect("doi:10.1109/CVPR.2016.90."), { scheme: "doi", value: "10.1109/cvpr.2016.90" });
  assert.deepEqual(ids.detect("https://arxiv.org/abs/1706.03762"), { scheme: "arxiv", value: "1706.03762" });
  for (const text of ["", "   ", "banana", "10.1/x", "1512.03385\u0000", "x".repeat(100000), "\ud800", null]) {
    assert.equal(ids.detect(text), null, JSON.stringify(text).slice(0, 40));
  }
});

test("check() refuses schemes the lookup does not take", () => {
  assert.equal(ids.check("dblp", "conf/icml/x"), null);
  assert.equal(ids.check("__proto__", "1512.03385"), null);
  assert.deepEqual(ids.check("arxiv", "1512.03385v1"), { scheme: "arxiv", value: "1512.03385" });
});

test("the server address is an http(s) origin and path, nothing more", () => {
  assert.equal(settings.normalizeServer("https://precis.example.org/"), "https://precis.example.org");
  assert.equal(settings.normalizeServer("precis.example.org"), "https://precis.example.org");
  assert.equal(settings.normalizeServer("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
  assert.equal(settings.normalizeServer("https://example.org/precis//"), "https://example.org/precis");
  for (const bad of ["", "javascript:alert(1)", "ftp://example.org", "https://u:p@example.org", "https://example.org/?q=1", "https://example.org/#x", "http://"]) {
    assert.throws(() => settings.normalizeServer(bad), Error, bad);
  }
  assert.equal(settings.permissionPattern("http://127.0.0.1:8000"), "http://127.0.0.1/*");
  assert.equal(settings.DEFAULT_SERVER, "http://127.0.0.1:8000");
});
