"""Findings in a real browser: report one through the form on a phone, see it on the
paper page and in the header's links, and every findings page fits and passes axe.

The whole-site walk (test_every_page.py) covers these pages too, through e2e/pages.py;
this is the short journey, and a quick check of just these pages.
"""

import pytest

from e2e.browsing import new_page
from e2e.pages import LONG_WORD
from e2e.test_every_page import PHONE, SIZES, _axe_source, _check_page, _sign_in
from precis.accounts.tests.factories import PASSWORD, UserFactory
from precis.findings import services as findings
from precis.findings.tests.factories import verified_author
from precis.papers.tests.factories import PaperFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_reports_a_code_link_on_a_phone_and_it_joins_the_header(
    live_server, browser, artifacts
):
    reader = UserFactory(username="reader")
    paper = PaperFactory(title=f"Deep residual learning {LONG_WORD}")
    context, page = new_page(browser, viewport=PHONE)
    try:
        _sign_in(page, live_server.url, reader.username, PASSWORD)
        page.goto(f"{live_server.url}{paper.get_absolute_url()}")
        page.get_by_role("link", name="Report a finding").click()
        page.select_option("select[name=kind]", "code_data")
        page.fill("input[name=title]", "Official code")
        page.fill("input[name=link_url]", "javascript:alert(1)")
        page.fill("textarea[name=source]", "The authors' release, with $x_1$ in the README.")
        page.get_by_role("button", name="Report").click()
        # Refused, with the reason, and nothing typed is lost.
        assert "https://" in page.locator(".form-errors").inner_text()
        assert "with $x_1$" in page.locator("textarea[name=source]").input_value()
        page.fill("input[name=link_url]", f"https://example.org/{LONG_WORD}")
        page.get_by_role("button", name="Report").click()
        page.wait_for_load_state()
        assert page.locator("h1.finding-title").inner_text() == "Official code"
        badges = page.locator(".finding-badges").inner_text()
        assert "Code or data" in badges and "open" in badges
        page.screenshot(path=str(artifacts / "finding-phone.png"), full_page=True)
        page.goto(f"{live_server.url}{paper.get_absolute_url()}")
        header_link = page.locator(".paper-head a.finding-header-link")
        assert header_link.get_attribute("href") == f"https://example.org/{LONG_WORD}"
        assert page.locator("#findings .finding-row").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the paper page is {width} px wide"
    finally:
        context.close()


def test_the_findings_pages_fit_a_phone_and_pass_axe(live_server, browser):
    reader = UserFactory(username="reader")
    paper = PaperFactory(title=f"Attention {LONG_WORD}")
    finding = findings.report_finding(
        author=reader,
        paper=paper,
        kind="failed_reproduction",
        title=f"Table 2 does not reproduce {LONG_WORD}",
        source=f"We got $\\mathrm{{BLEU}} = 25.1$, not 27.3. {LONG_WORD}",
        paper_version="v5",
    )
    author = verified_author(paper)
    findings.post_reply(
        author=author, finding=finding, source="We used 8 GPUs; see Sec. 5.", status="disputed"
    )
    pages = {
        "paper": paper.get_absolute_url(),
        "finding": finding.get_absolute_url(),
        "findings": "/findings/",
        "findings-paper": f"/findings/papers/{paper.pk}/",
        "finding-new": f"/findings/papers/{paper.pk}/new",
    }
    axe_source = _axe_source()
    problems: list[str] = []
    for size_name, size in SIZES.items():
        context, page = new_page(browser, viewport=size)
        try:
            _sign_in(page, live_server.url, reader.username, PASSWORD)
            for name, path in pages.items():
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, path
                page.wait_for_load_state()
                _check_page(page, name, size_name, size, axe_source, problems)
            for scheme in ("dark",):
                page.emulate_media(color_scheme=scheme)
                page.goto(f"{live_server.url}{finding.get_absolute_url()}")
                _check_page(page, f"finding ({scheme})", size_name, size, axe_source, problems)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)
