"""Search snippets never show raw LaTeX: formulas become readable text, cut ones "…"."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from precis.importers.base import AuthorName, PaperRecord
from precis.lib.richtext import plain_text
from precis.papers.services import upsert_papers
from precis.search import services
from precis.search.backends import MARK_END, MARK_START
from precis.search.documents import summary_text
from precis.search.snippets import readable_snippet, readable_text, tex_to_text
from precis.summaries import services as summary_services

# What raw TeX looks like in text: a command, a dollar, a braced script, \( \) \[ \].
RAW_TEX = re.compile(r"\\[A-Za-z]+|\$|[_^]\{|\\[()\[\]]")


@pytest.mark.parametrize(
    ("tex", "readable"),
    [
        (r"\hat{A}_t", "Âₜ"),
        (r"\frac{\partial L}{\partial w}", "∂L/∂w"),
        (r"\text{softmax}(QK^T/\sqrt{d_k})V", "softmax(QKᵀ/√dₖ)V"),
        (r"\log D(x)", "log D(x)"),
        (r"\min_G \max_D V(D, G)", "min_G max_D V(D, G)"),
        (r"\mathbb{E}_{x \sim p}[x^{2}]", "𝔼_(x ∼ p)[x²]"),
        (r"W^{-1} x^{(i)}", "W⁻¹ x⁽ⁱ⁾"),
        (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "(a b; c d)"),
        (r"\left( \frac{a+b}{2} \right)", "((a+b)/2)"),
        (r"\mathcal{L}_{\text{total}}", "ℒₜₒₜₐₗ"),
        (r"\alpha \in [0, 1], \beta \leq \infty", "α ∈ [0, 1], β ≤ ∞"),
    ],
)
def test_formulas_read_as_text(tex, readable):
    assert " ".join(tex_to_text(tex).split()) == readable


@pytest.mark.parametrize(
    "tex", [r"\frac{1}{", "}}}{{{", "\\", r"\sqrt", "^_^_", r"\begin{pmatrix", "{" * 500]
)
def test_broken_or_hostile_tex_never_raises_and_leaves_no_markup(tex):
    assert not RAW_TEX.search(tex_to_text(tex))


def test_a_formula_cut_by_the_snippet_edge_becomes_an_ellipsis():
    assert readable_snippet("…frac{1}{N} \\sum_i x_i\\) gives the \x02mean\x03 of…") == (
        "… gives the \x02mean\x03 of…"
    )
    assert (
        readable_snippet("…the \x02mean\x03 is \\(\\frac{1}{N} \\sum…") == "…the \x02mean\x03 is …"
    )
    assert (
        readable_snippet("…_t(\\theta)$ is the \x02ratio\x03 of…") == "… is the \x02ratio\x03 of…"
    )
    assert readable_snippet("…the \x02ratio\x03 of $r_t(\\theta…") == "…the \x02ratio\x03 of …"


def test_highlights_survive_and_a_highlighted_formula_is_highlighted_whole():
    snippet = readable_snippet(f"…loss \\(L = \\sum_i w_i {MARK_START}L{MARK_END}_i\\) where…")
    assert snippet == f"…loss {MARK_START}L = ∑ᵢ wᵢ Lᵢ{MARK_END} where…"


def test_dollars_in_prose_and_tex_in_titles():
    assert readable_snippet("It costs $5 to \x02run\x03") == "It costs $5 to \x02run\x03"
    assert readable_text(r"$\ell_1$-regularized \emph{sparse} coding") == (
        "ℓ₁-regularized sparse coding"
    )
    assert readable_text(r"Schr\"odinger bridges") == "Schrödinger bridges"


def _windows(text: str, size: int = 24):
    """Every stretch of ``size`` words, as a snippet might cut it."""
    words = text.split(" ")
    for start in range(0, max(len(words) - size, 1), 2):
        yield "…" + " ".join(words[start : start + size]) + "…"


def test_no_raw_latex_in_any_snippet_of_the_real_summaries(shared_fixtures):
    paths = sorted((shared_fixtures / "summaries_md").glob("*.md"))
    with_math = 0
    for path in paths:
        source = path.read_text(encoding="utf-8", errors="replace")
        with_math += "$" in source
        # As indexed now (formulas marked), and as indexed before (bare TeX).
        for text in (summary_text(source), plain_text(source, max_chars=8000)):
            for window in _windows(text):
                shown = readable_snippet(window)
                assert not RAW_TEX.search(shown), (path.name, window, shown)
    assert with_math >= 10  # the check saw real formulas


@pytest.mark.django_db
def test_the_results_page_shows_real_summaries_without_latex(
    client, shared_fixtures, alice, django_capture_on_commit_callbacks
):
    names = ["patrickllgc__gradnorm.md", "vlgiitr__URIAL.md", "vlgiitr__Pause_Tokens.md"]
    with django_capture_on_commit_callbacks(execute=True):
        report = upsert_papers(
            [
                PaperRecord(
                    title=f"Paper {n}",
                    authors=[AuthorName("Ada Lovelace")],
                    identifiers={"dblp": f"conf/x/P{n}"},
                    source="dblp",
                )
                for n in range(len(names))
            ],
            collect_ids=True,
        )
        from precis.papers.models import Paper

        for paper_id, name in zip(report.paper_ids, names, strict=True):
            source = (shared_fixtures / "summaries_md" / name).read_text(encoding="utf-8")
            summary_services.save_summary(
                author=alice,
                paper=Paper.objects.get(pk=paper_id),
                source=source,
                visibility="public",
            )
    for query in ("weights", "probability distribution", "pause tokens loss", "position"):
        results = services.search(query, user=AnonymousUser())
        assert results.results, query
        for result in results.results:
            assert not RAW_TEX.search(result.hit.snippet), (query, result.hit.snippet)
        page = client.get(reverse("search:search"), {"q": query}).content.decode()
        snippets = re.findall(r'<p class="snippet">(.*?)</p>', page, re.DOTALL)
        assert snippets
        assert not any(RAW_TEX.search(snippet) for snippet in snippets)
