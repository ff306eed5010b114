"""The browser extension in Debian's chromium: loaded unpacked into a persistent
context, pointed (through its options page) at a live Precis server with demo-like
data, and run on pages written to the shape of an arXiv abstract page, an
OpenReview forum page and a publisher's DOI landing page. Those pages are served
through Playwright's request routing; nothing reaches the network.

Every request the browser makes is recorded twice: by Playwright (the service
worker's included) and by the server itself (Django's request_started signal
carries the raw WSGI environ), so the privacy test sees exactly what left.
"""

import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.signals import request_started

from e2e.conftest import CHROMIUM
from precis.accounts.tests.factories import PASSWORD, UserFactory
from precis.discussions import services as discussions
from precis.findings.tests.factories import FindingFactory
from precis.papers.models import Identifier
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services as summaries

pytestmark = pytest.mark.django_db(transaction=True)

EXTENSION = Path(__file__).resolve().parent.parent / "extension"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SETTINGS_DEFAULT_SERVER = "http://127.0.0.1:8000"  # extension/settings.js
SECRET = "reader-secret-7Qx"  # in the page's address and text: it must never leave
ALL_SITES = ["https://*/*", "http://*/*"]  # extension/settings.js, "every site"
# A publisher the manifest does not list: only "Look for papers on every site" reaches it.
UNLISTED = "https://journals.unlisted-press.example/article/3065386"
UNLISTED_PLAIN = "https://blog.unlisted-press.example/notes"

BEST = r"""The network learns a residual $\mathcal{F}(x) = H(x) - x$ instead of $H(x)$, so
that an identity mapping costs nothing and very deep stacks still train.

Depth stops hurting: a 152-layer network beats shallower ones on ImageNet."""


# --- the pages the extension runs on ------------------------------------------------

ARXIV_ABS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>[{id}] {title}</title>
<meta name="citation_title" content="{title}">
<meta name="citation_author" content="He, Kaiming">
<meta name="citation_date" content="2015/12/10">
<meta name="citation_pdf_url" content="https://arxiv.org/pdf/{id}">
<meta name="citation_arxiv_id" content="{id}">
<style>body {{ font-family: serif; }} * {{ color: #222 !important; font-size: 40px !important; }}</style>
</head><body>
<header><a href="/">arXiv</a> &gt; cs &gt; arXiv:{id}</header>
<main id="content"><div id="abs">
<h1 class="title mathjax"><span class="descriptor">Title:</span>{title}</h1>
<div class="authors"><a href="/a/he_k_1">Kaiming He</a></div>
<blockquote class="abstract mathjax"><span class="descriptor">Abstract:</span>
Deeper neural networks are more difficult to train. {secret}</blockquote>
<div class="submission-history">[v1] Thu, 10 Dec 2015</div>
</div></main></body></html>"""

OPENREVIEW_FORUM = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Attention Is All You Need | OpenReview</title>
<meta name="citation_title" content="Attention Is All You Need">
<meta name="citation_author" content="Vaswani, Ashish">
<meta name="citation_online_date" content="2017/06/12">
<meta name="citation_pdf_url" content="https://openreview.net/pdf?id=rkTBjG-AZ">
</head><body>
<div id="__next"><main id="content" class="forum"><div class="forum-container"></div></main></div>
<script>
// OpenReview draws the note after the page loads, as its JavaScript does.
setTimeout(() => {
  document.querySelector('.forum-container').innerHTML = `
    <div class="forum-note"><h2 class="citation_title">Attention Is All You Need</h2>
      <div class="note-content"><strong>Abstract:</strong> The dominant sequence transduction models... {secret}
      <a href="https://arxiv.org/abs/1706.03762v5">arXiv</a></div></div>
    <div class="forum-replies"><div class="note">Official Review: compare with
      <a href="https://arxiv.org/abs/1512.03385">residual networks</a>.</div></div>`;
}, 150);
</script></body></html>"""

DOI_LANDING = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>ImageNet classification with deep convolutional neural networks | Communications of the ACM</title>
<meta name="dc.Title" content="ImageNet classification with deep convolutional neural networks">
<meta name="dc.Identifier" scheme="doi" content="10.1145/3065386">
<meta name="citation_doi" content="10.1145/3065386">
<meta name="citation_journal_title" content="Communications of the ACM">
</head><body>
<header class="header">ACM Digital Library</header>
<main><article><h1 class="citation__title">ImageNet classification with deep convolutional neural networks</h1>
<p>Authors: Alex Krizhevsky, Ilya Sutskever, Geoffrey E. Hinton</p>
<p>{secret}</p></article></main></body></html>"""

UNLISTED_LANDING = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>ImageNet classification with deep convolutional neural networks | Unlisted Press</title>
<meta name="citation_title" content="ImageNet classification with deep convolutional neural networks">
<meta name="citation_doi" content="10.1145/3065386">
</head><body><main><h1>ImageNet classification with deep convolutional neural networks</h1>
<p>{secret}</p></main></body></html>"""

# No citation tags: a DOI in the text or a link is not enough on an unlisted site.
UNLISTED_NOTES = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Reading notes</title></head>
<body><main><p>Notes on doi:10.1145/3065386, see
<a href="https://doi.org/10.1145/3065386">the paper</a>. {secret}</p></main></body></html>"""

# A publisher's strict policy: no inline styles or scripts of the page's own.
STRICT_CSP = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self'"

PAGES = {
    "https://arxiv.org/abs/1512.03385": (
        ARXIV_ABS.format(
            id="1512.03385", title="Deep Residual Learning for Image Recognition", secret=SECRET
        ),
        {},
    ),
    "https://arxiv.org/abs/2405.00001": (
        ARXIV_ABS.format(id="2405.00001", title="A Paper Precis Has Never Heard Of", secret=SECRET),
        {},
    ),
    "https://arxiv.org/abs/2405.00002": (
        ARXIV_ABS.format(id="2405.00002", title="Known But Not Yet Summarised", secret=SECRET),
        {},
    ),
    "https://openreview.net/forum": (OPENREVIEW_FORUM.replace("{secret}", SECRET), {}),
    "https://dl.acm.org/doi/10.1145/3065386": (
        DOI_LANDING.format(secret=SECRET),
        {"Content-Security-Policy": STRICT_CSP},
    ),
    UNLISTED: (UNLISTED_LANDING.format(secret=SECRET), {}),
    UNLISTED_PLAIN: (UNLISTED_NOTES.format(secret=SECRET), {}),
}


# --- data: a few papers as the demo has them ----------------------------------------


@pytest.fixture
def site(transactional_db):
    writer = UserFactory(username="ada", display_name="Ada Writer")
    reader = UserFactory(username="ben", display_name="Ben Reader")
    resnet = PaperFactory(
        title="Deep Residual Learning for Image Recognition", arxiv="1512.03385", year=2016
    )
    best = summaries.save_summary(author=writer, paper=resnet, source=BEST, visibility="public")
    summaries.save_summary(
        author=reader, paper=resnet, source="Skip connections, shorter.", visibility="public"
    )
    summaries.cast_vote(voter=reader, summary=best, value=1)
    discussions.ask_question(author=reader, paper=resnet, title="Why does the identity help?")
    FindingFactory(paper=resnet, author=reader)
    attention = PaperFactory(title="Attention Is All You Need", arxiv="1706.03762", year=2017)
    summaries.save_summary(
        author=writer,
        paper=attention,
        source=r"Attention scores are scaled by $\sqrt{d_k}$.",
        visibility="public",
    )
    alexnet = PaperFactory(
        title="ImageNet Classification with Deep Convolutional Neural Networks", year=2017
    )
    Identifier.objects.create(paper=alexnet, scheme="doi", value="10.1145/3065386")
    summaries.save_summary(
        author=reader, paper=alexnet, source="Big convolutional nets on GPUs.", visibility="public"
    )
    PaperFactory(title="Known But Not Yet Summarised", arxiv="2405.00002", year=2024)
    return {"writer": writer, "reader": reader, "resnet": resnet, "attention": attention}


# --- the browser with the extension ---------------------------------------------------


class Recorder:
    """What the server received (from the WSGI environ) and what the browser sent."""

    def __init__(self):
        self.lock = threading.Lock()
        self.server: list[dict] = []
        self.browser: list[dict] = []
        self.blocked: list[str] = []

    def on_server_request(self, sender, environ=None, **kwargs):
        if environ is None:
            return
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        with self.lock:
            self.server.append(
                {
                    "path": environ.get("PATH_INFO", ""),
                    "query": environ.get("QUERY_STRING", ""),
                    "method": environ.get("REQUEST_METHOD", ""),
                    "headers": headers,
                }
            )

    def clear(self):
        with self.lock:
            self.server.clear()
            self.browser.clear()
            self.blocked.clear()

    def lookups(self):
        with self.lock:
            return [r for r in self.server if r["path"] == "/api/v1/lookup"]


@pytest.fixture
def recorder():
    recorder = Recorder()
    request_started.connect(recorder.on_server_request)
    yield recorder
    request_started.disconnect(recorder.on_server_request)


@pytest.fixture
def extension_dir(request, tmp_path):
    """The extension folder Chromium loads: this one, or with ``"all-sites-granted"``
    a copy whose manifest grants access to all sites at install.

    Chromium's permission prompt is browser UI, which Playwright cannot click; with
    the access already granted, ``permissions.request`` resolves true without one,
    as it does once a reader has clicked "Allow". Everything else (the options page,
    the background's registration, the content script) is the shipped code.
    """
    if getattr(request, "param", None) != "all-sites-granted":
        return EXTENSION
    copy = tmp_path / "extension"
    shutil.copytree(EXTENSION, copy, ignore=shutil.ignore_patterns("tests", "tools"))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["host_permissions"] = ALL_SITES
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


@pytest.fixture
def chromium_with_extension(live_server, recorder, site, settings, extension_dir):
    # As in the demo: links are built for the address the server was reached at.
    settings.SITE_URL_IS_SET = False
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"no chromium at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    profile = tempfile.mkdtemp(prefix="precis-extension-")
    server = live_server.url
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            headless=True,  # Chromium's headless mode runs extensions
            args=[
                f"--disable-extensions-except={extension_dir}",
                f"--load-extension={extension_dir}",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)

        def record(request):
            worker = getattr(request, "service_worker", None)
            with recorder.lock:
                recorder.browser.append(
                    {
                        "url": request.url,
                        "headers": dict(request.headers),
                        "from_worker": worker is not None,
                    }
                )

        context.on("request", record)

        def route(route):
            url = route.request.url
            page_url = url.split("?", 1)[0].split("#", 1)[0]
            if not url.startswith(("http://", "https://")):
                route.continue_()  # the extension's own files
            elif page_url in PAGES:
                body, headers = PAGES[page_url]
                route.fulfill(
                    status=200, content_type="text/html; charset=utf-8", body=body, headers=headers
                )
            elif url.startswith(server):
                route.continue_()
            else:
                with recorder.lock:
                    recorder.blocked.append(url)
                route.abort()

        context.route("**/*", route)
        worker = (
            context.service_workers[0]
            if context.service_workers
            else context.wait_for_event("serviceworker")
        )
        extension_id = urlsplit(worker.url).hostname

        # Point the extension at the live server, as a reader would: the options page.
        options = context.new_page()
        options.goto(f"chrome-extension://{extension_id}/options.html")
        expect(options.locator("#server")).to_have_value(SETTINGS_DEFAULT_SERVER)
        options.fill("#server", server + "/")
        options.click("button[type=submit]")
        options.locator("#status", has_text="Saved.").wait_for()
        options.close()
        yield {
            "context": context,
            "worker": worker,
            "id": extension_id,
            "server": server,
            "recorder": recorder,
        }
        context.close()
    shutil.rmtree(profile, ignore_errors=True)
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


PANEL = "#precis-extension-panel"


def content_script_states(worker) -> list[dict]:
    """What each tab's content script says it found and did (the popup asks the same)."""
    return worker.evaluate(
        """async () => {
          const answers = [];
          for (const tab of await chrome.tabs.query({})) {
            try { answers.push(await chrome.tabs.sendMessage(tab.id, {type: 'precis:identify'})); }
            catch (error) { /* no content script in that tab */ }
          }
          return answers;
        }"""
    )


def settled_state(worker, value: str) -> dict:
    """The content script's final state for the page about ``value``."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for answer in content_script_states(worker):
            identifier = answer.get("identifier") or {}
            if identifier.get("value") == value and answer["status"] not in ("looking", "asking"):
                return answer
        time.sleep(0.1)
    raise AssertionError(f"the content script never settled on {value}")


def sign_in(page, server, username):
    page.goto(f"{server}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


# --- the tests --------------------------------------------------------------------------


def test_extension_shows_the_panel_on_an_arxiv_abstract_page(chromium_with_extension, site):
    context = chromium_with_extension["context"]
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("https://arxiv.org/abs/1512.03385")
    count = page.locator(f"{PANEL} .precis-count")
    count.wait_for()
    assert count.inner_text() == "2 summaries"
    excerpt = page.locator(f"{PANEL} .precis-excerpt")
    assert "identity mapping costs nothing" in excerpt.inner_text()
    # The math arrives as MathML, rebuilt in the MathML namespace.
    assert page.locator(f"{PANEL} .precis-excerpt math").count() == 2
    namespace = page.evaluate(
        "document.getElementById('precis-extension-panel').shadowRoot"
        ".querySelector('math').namespaceURI"
    )
    assert namespace == "http://www.w3.org/1998/Math/MathML"
    extras = page.locator(f"{PANEL} .precis-extras").inner_text()
    assert extras == "1 question · 1 open finding"
    links = page.locator(f"{PANEL} nav a")
    assert links.all_inner_texts() == [
        "All summaries",
        "Write a summary",
        "Questions",
        "Add to a collection",
    ]
    for anchor in links.all():
        assert anchor.get_attribute("href").startswith(chromium_with_extension["server"] + "/")
        assert anchor.get_attribute("rel") == "noopener noreferrer"
    # The page's own heavy-handed styles (40px, !important) do not reach into it.
    size = page.evaluate(
        "getComputedStyle(document.getElementById('precis-extension-panel').shadowRoot"
        ".querySelector('.precis-panel')).fontSize"
    )
    assert size == "14px"
    assert errors == []


def test_extension_write_link_opens_the_summary_form_for_that_paper(chromium_with_extension, site):
    context, server = chromium_with_extension["context"], chromium_with_extension["server"]
    page = context.new_page()
    sign_in(page, server, "ben")
    page.goto("https://arxiv.org/abs/1512.03385")
    write = page.locator(f"{PANEL} a", has_text="Write a summary")
    with context.expect_page() as opened:
        write.click()
    form_page = opened.value
    form_page.wait_for_load_state()
    assert form_page.url == f"{server}/papers/{site['resnet'].pk}/write"
    assert form_page.locator("form.editor-form").count() == 1
    assert "Deep Residual Learning for Image Recognition" in form_page.content()


def test_extension_sends_nothing_but_the_identifier(chromium_with_extension, site):
    context, server = chromium_with_extension["context"], chromium_with_extension["server"]
    recorder = chromium_with_extension["recorder"]
    page = context.new_page()
    sign_in(page, server, "ben")  # the server's session cookie is in this browser now
    assert any(cookie["name"] == "sessionid" for cookie in context.cookies(server))
    recorder.clear()
    page.goto(f"https://arxiv.org/abs/1512.03385?utm_source={SECRET}#{SECRET}")
    page.locator(f"{PANEL} .precis-count").wait_for()

    lookups = recorder.lookups()
    assert lookups, "the server saw no lookup"
    for request in recorder.server:
        assert request["path"] == "/api/v1/lookup", request
        assert request["method"] == "GET"
        assert request["query"] == "arxiv=1512.03385"
        headers = request["headers"]
        assert "referer" not in headers, headers
        assert "cookie" not in headers, headers
        origin = headers.get("origin", "")
        assert origin in ("", f"chrome-extension://{chromium_with_extension['id']}"), origin
        assert SECRET not in str(request) and "arxiv.org" not in str(headers)
    # The browser's side: the page itself, then only the lookup, from the extension.
    to_server = [r for r in recorder.browser if r["url"].startswith(server)]
    assert [r["url"] for r in to_server] == [f"{server}/api/v1/lookup?arxiv=1512.03385"] * len(
        to_server
    )
    assert all(r["from_worker"] for r in to_server), to_server
    others = [
        r["url"]
        for r in recorder.browser
        if not r["url"].startswith(server) and not r["url"].startswith("https://arxiv.org/abs/")
    ]
    assert others == [] and recorder.blocked == [], (others, recorder.blocked)


def test_extension_finds_the_paper_on_an_openreview_forum_page(chromium_with_extension, site):
    context = chromium_with_extension["context"]
    recorder = chromium_with_extension["recorder"]
    page = context.new_page()
    recorder.clear()
    page.goto("https://openreview.net/forum?id=rkTBjG-AZ")
    count = page.locator(f"{PANEL} .precis-count")
    count.wait_for()
    assert count.inner_text() == "1 summary"
    assert page.locator(f"{PANEL} .precis-excerpt math").count() == 1
    # The paper's own arXiv link, not the one a review cites.
    assert [r["query"] for r in recorder.lookups()] == ["arxiv=1706.03762"]


def test_extension_reads_the_doi_of_a_publisher_page_under_a_strict_csp(
    chromium_with_extension, site
):
    context = chromium_with_extension["context"]
    recorder = chromium_with_extension["recorder"]
    page = context.new_page()
    recorder.clear()
    page.goto("https://dl.acm.org/doi/10.1145/3065386")
    count = page.locator(f"{PANEL} .precis-count")
    count.wait_for()
    assert count.inner_text() == "1 summary"
    assert "Big convolutional nets" in page.locator(f"{PANEL} .precis-excerpt").inner_text()
    assert [r["query"] for r in recorder.lookups()] == ["doi=10.1145%2F3065386"]
    # Styled despite the page's policy: fixed in the corner, with its border radius.
    style = page.evaluate(
        """() => {
          const host = document.getElementById('precis-extension-panel');
          const panel = host.shadowRoot.querySelector('.precis-panel');
          return [getComputedStyle(host).position, getComputedStyle(panel).borderTopLeftRadius];
        }"""
    )
    assert style == ["fixed", "6px"]
    # Dark mode follows the reader's system.
    light = page.evaluate(
        "getComputedStyle(document.getElementById('precis-extension-panel').shadowRoot"
        ".querySelector('.precis-panel')).backgroundColor"
    )
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(
        "getComputedStyle(document.getElementById('precis-extension-panel').shadowRoot"
        ".querySelector('.precis-panel')).backgroundColor"
    )
    assert light == "rgb(255, 255, 255)" and dark == "rgb(29, 32, 37)"


def test_extension_shows_nothing_for_a_paper_precis_does_not_know(chromium_with_extension, site):
    context, worker = chromium_with_extension["context"], chromium_with_extension["worker"]
    recorder = chromium_with_extension["recorder"]
    page = context.new_page()
    page.goto("https://arxiv.org/abs/2405.00001")
    assert settled_state(worker, "2405.00001")["status"] == "unknown"
    assert [r["query"] for r in recorder.lookups()][-1:] == ["arxiv=2405.00001"]
    assert page.locator(PANEL).count() == 0
    # Known, but with nothing to read yet: no panel either.
    page.goto("https://arxiv.org/abs/2405.00002")
    assert settled_state(worker, "2405.00002")["status"] == "nothing-yet"
    assert page.locator(PANEL).count() == 0


def test_extension_popup_offers_to_add_an_unknown_paper(chromium_with_extension, site):
    context, server = chromium_with_extension["context"], chromium_with_extension["server"]
    popup = context.new_page()
    popup.goto(f"chrome-extension://{chromium_with_extension['id']}/popup.html")
    popup.locator("#result", has_text="No paper found on this page").wait_for()
    popup.fill("#query", "not an id")
    popup.click("#manual button[type=submit]")
    assert popup.locator("#manual-error").is_visible()
    popup.fill("#query", "arXiv:2405.00001v2")
    popup.click("#manual button[type=submit]")
    popup.locator(".precis-count", has_text="Not on Precis yet").wait_for()
    hrefs = {a.inner_text(): a.get_attribute("href") for a in popup.locator("#result a").all()}
    assert hrefs == {
        "Add it to Precis": f"{server}/arxiv/2405.00001",
        "Request a summary": f"{server}/arxiv/2405.00001#summaries-heading",
    }


def test_extension_panel_is_keyboard_accessible_and_dismissable(chromium_with_extension, site):
    context = chromium_with_extension["context"]
    page = context.new_page()
    page.goto("https://arxiv.org/abs/1512.03385")
    page.locator(f"{PANEL} .precis-count").wait_for()
    if AXE.exists():
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => {
              const result = await axe.run(
                {include: [['#precis-extension-panel']]}, {resultTypes: ['violations']});
              return result.violations.map((v) => `${v.id}: ${v.help}`);
            }"""
        )
        assert violations == []
    # Tab reaches its links and its close button; Escape closes it.
    close = page.locator(f"{PANEL} .precis-close")
    assert close.get_attribute("aria-label") == "Close the Precis panel"
    first_link = page.locator(f"{PANEL} nav a").first
    first_link.focus()
    page.keyboard.press("Tab")
    assert (
        page.evaluate(
            "document.getElementById('precis-extension-panel').shadowRoot.activeElement.textContent"
        )
        == "Write a summary"
    )
    page.keyboard.press("Escape")
    assert page.locator(PANEL).count() == 0
    page.reload()
    page.locator(f"{PANEL} .precis-close").click()
    assert page.locator(PANEL).count() == 0
    assert settled_state(chromium_with_extension["worker"], "1512.03385")["status"] == "dismissed"


# --- "Look for papers on every site" --------------------------------------------------


def registered_scripts(worker) -> list[dict]:
    return worker.evaluate(
        """async () => (await chrome.scripting.getRegisteredContentScripts())
             .map((s) => ({id: s.id, matches: [...s.matches].sort()}))"""
    )


def checkpoint(context, worker):
    """Load a listed page in another tab and wait for its content script to settle, so
    that the browser has got round to any script due on the pages opened before."""
    other = context.new_page()
    other.goto("https://arxiv.org/abs/2405.00001")
    settled_state(worker, "2405.00001")
    other.close()


def test_extension_leaves_unlisted_sites_alone_by_default(chromium_with_extension, site):
    context, worker = chromium_with_extension["context"], chromium_with_extension["worker"]
    recorder = chromium_with_extension["recorder"]
    options = context.new_page()
    options.goto(f"chrome-extension://{chromium_with_extension['id']}/options.html")
    from playwright.sync_api import expect

    expect(options.locator("#every-site")).not_to_be_checked()
    assert registered_scripts(worker) == []
    recorder.clear()
    page = context.new_page()
    page.goto(UNLISTED)
    checkpoint(context, worker)
    assert page.locator(PANEL).count() == 0
    # (the checkpoint's own lookup may come from the browser's HTTP cache)
    assert [r["query"] for r in recorder.lookups()] in ([], ["arxiv=2405.00001"])
    identifiers = [(a.get("identifier") or {}).get("value") for a in content_script_states(worker)]
    assert "10.1145/3065386" not in identifiers


@pytest.mark.parametrize("extension_dir", ["all-sites-granted"], indirect=True)
def test_extension_on_every_site_shows_the_panel_on_an_unlisted_publisher(
    chromium_with_extension, site
):
    from playwright.sync_api import expect

    context, worker = chromium_with_extension["context"], chromium_with_extension["worker"]
    recorder, server = chromium_with_extension["recorder"], chromium_with_extension["server"]
    options = context.new_page()
    options.goto(f"chrome-extension://{chromium_with_extension['id']}/options.html")
    every_site = options.locator("#every-site")
    expect(every_site).not_to_be_checked()
    assert registered_scripts(worker) == []

    every_site.check()
    options.locator("#status", has_text="On: the extension looks for papers").wait_for()
    assert registered_scripts(worker) == [{"id": "precis-every-site", "matches": sorted(ALL_SITES)}]

    recorder.clear()
    page = context.new_page()
    page.goto(f"{UNLISTED}?utm_source={SECRET}#{SECRET}")
    count = page.locator(f"{PANEL} .precis-count")
    count.wait_for()
    assert count.inner_text() == "1 summary"
    # Still only the identifier leaves, and only for Precis.
    assert [r["query"] for r in recorder.lookups()] == ["doi=10.1145%2F3065386"]
    for request in recorder.server:
        assert request["path"] == "/api/v1/lookup", request
        assert "referer" not in request["headers"] and "cookie" not in request["headers"]
        assert SECRET not in str(request) and "unlisted-press" not in str(request)
    to_server = [r for r in recorder.browser if r["url"].startswith(server)]
    assert to_server and all(r["from_worker"] for r in to_server), to_server

    # An unlisted page without citation tags: nothing is asked, a DOI in its text or
    # links notwithstanding.
    recorder.clear()
    page.goto(UNLISTED_PLAIN)
    checkpoint(context, worker)
    states = content_script_states(worker)
    assert {"identifier": None, "status": "none"} in states, states
    # (the checkpoint's own lookup may come from the browser's HTTP cache)
    assert [r["query"] for r in recorder.lookups()] in ([], ["arxiv=2405.00001"])

    # Off again: the script is unregistered and the unlisted publisher shows nothing.
    every_site.uncheck()
    options.locator("#status", has_text="Off: the extension reads only").wait_for()
    assert registered_scripts(worker) == []
    options.reload()
    expect(options.locator("#every-site")).not_to_be_checked()
    recorder.clear()
    page.goto(UNLISTED)
    checkpoint(context, worker)
    assert page.locator(PANEL).count() == 0
    # (the checkpoint's own lookup may come from the browser's HTTP cache)
    assert [r["query"] for r in recorder.lookups()] in ([], ["arxiv=2405.00001"])
