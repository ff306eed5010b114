"""Math as readers see it: the served math font, large display operators, limits under
them, stretching brackets, "log D" with its space, and nothing wider than a phone."""

from pathlib import Path

import pytest

from e2e.browsing import PHONE, new_page, no_sideways_scroll
from precis.accounts.tests.factories import UserFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = r"""
### The objective

The discriminator outputs $\log D(x)$; inline sums stay small: $\sum_{i=1}^n x_i$, and
$y = \text{the number of widgets sold in the first quarter of the fiscal year}$ scrolls.

$$
\min_G \max_D V(D, G) = \mathbb{E}_{x \sim p_{data}}[\log D(x)] + \mathbb{E}_{z}[\log(1 - D(G(z)))]
$$

$$
\sum_{i=1}^{n} \frac{1}{i^2} \quad A = \begin{pmatrix} a & b \\ c & d \end{pmatrix} \quad
f(x) = \begin{cases} x^2 & \text{if } x > 0 \\ 0 & \text{otherwise} \end{cases}
\quad \left( \frac{a}{b} \right)
$$

$$
L(\theta) = \sum_{t=1}^{T} \log \pi_\theta(a_t \mid s_t) \hat{A}_t + \beta \cdot \mathrm{KL}\left[\pi_{\theta_{old}}(\cdot \mid s_t), \pi_\theta(\cdot \mid s_t)\right] + \lambda \lVert \theta \rVert_2^2
$$

A formula that cannot be read: $\frac{1}{$.
"""

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  await document.fonts.ready;
  const result = await axe.run('main', { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}"""

MEASURE = """() => {
  const sums = [...document.querySelectorAll('.prose mo')].filter(mo => mo.textContent === '∑');
  const height = (el) => el.getBoundingClientRect().height;
  const inlineSum = sums.find(mo => !mo.closest('.math-display'));
  const displaySum = sums.find(mo => mo.closest('.math-display'));
  const parens = [...document.querySelectorAll('.math-display mo[fence="true"]')].filter(mo => mo.textContent === '(');
  const plainParen = [...document.querySelectorAll('.prose mo')].find(mo => mo.textContent === '(' && mo.getAttribute('stretchy') === 'false');
  const brace = [...document.querySelectorAll('.math-display mo')].find(mo => mo.textContent === '{');
  const minBase = [...document.querySelectorAll('.math-display munder > mo')].find(mo => mo.textContent === 'min');
  const minLimit = minBase.nextElementSibling;
  return {
    fonts: [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'Precis Math').map(f => f.status),
    family: getComputedStyle(document.querySelector('math')).fontFamily,
    inlineSum: height(inlineSum), displaySum: height(displaySum),
    plainParen: height(plainParen), matrixParen: Math.max(...parens.map(height)), brace: height(brace),
    limitBelow: minLimit.getBoundingClientRect().top - minBase.getBoundingClientRect().bottom,
    errors: document.querySelectorAll('.math-error[title^="Could not read this formula"]').length,
    focusable: [...document.querySelectorAll('.math-display')].map(box => box.tabIndex),
    overflowing: [...document.querySelectorAll('.math-display')].map(box => box.scrollWidth > box.clientWidth),
    inline: [...document.querySelectorAll('.prose p math')].map(m => [m.tabIndex, m.scrollWidth > m.clientWidth + 1]),
  };
}"""


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}], ids=["390", "1366"])
def test_math_on_a_summary_page(live_server, browser, artifacts, viewport):
    summary = SummaryFactory(author=UserFactory(username="writer"), source=SOURCE)
    context, page = new_page(browser, viewport=viewport)
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    page.evaluate("document.fonts.ready")
    page.wait_for_function("[...document.fonts].some(f => f.status === 'loaded')")
    found = page.evaluate(MEASURE)
    assert found["fonts"] == ["loaded"], found
    assert found["family"].startswith('"Precis Math"')
    # The font's MATH table at work: display operators large, brackets stretched.
    assert found["displaySum"] > 1.3 * found["inlineSum"], found
    assert found["matrixParen"] > 1.5 * found["plainParen"], found
    assert found["brace"] > 1.5 * found["plainParen"], found
    assert found["limitBelow"] >= 0, "the limit of \\min is not under it"
    assert found["errors"] == 1
    # Boxes that scroll are in the tab order; those that fit are not (site.js).
    assert all(
        (index == 0) == scrolls
        for index, scrolls in zip(found["focusable"], found["overflowing"], strict=True)
    ), found
    assert all((index == 0) == scrolls for index, scrolls in found["inline"]), found["inline"]
    no_sideways_scroll(page, viewport["width"])
    log = page.locator(".prose p math").first.inner_html()
    assert "<mi>log</mi><mo>\u2061</mo><mspace" in log
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        if AXE.exists():  # through the DevTools protocol, so the CSP allows it
            page.evaluate(AXE.read_text())
            assert page.evaluate(AXE_RUN) == [], scheme
        name = f"math-{viewport['width']}-{scheme}.png"
        page.screenshot(path=str(artifacts / name), full_page=True)
    context.close()
