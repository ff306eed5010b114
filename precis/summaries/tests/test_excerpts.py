"""Card excerpts end on a whole thought: at a sentence, or with the formula a colon
introduces; never mid-word, never on a colon or a heading, never with raw TeX."""

import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from precis.core import rerendering
from precis.lib.richtext import ELLIPSIS, render_excerpt
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

PPO = r"""**Motivation.** TRPO keeps policy updates small with a KL constraint, but needs conjugate gradient and a line search. Can you get the same stability with plain SGD?

**Clipped objective.** With probability ratio $r_t(\theta) = \pi_\theta(a_t \mid s_t) / \pi_{\theta_{\mathrm{old}}}(a_t \mid s_t)$ and advantage estimate $\hat{A}_t$:

$$
L^{\mathrm{CLIP}}(\theta) = \hat{\mathbb{E}}_t\left[\min\left(r_t(\theta) \hat{A}_t, \; \mathrm{clip}\left(r_t(\theta), 1 - \epsilon, 1 + \epsilon\right) \hat{A}_t\right)\right]
$$

with $\epsilon = 0.2$. Taking the minimum makes it a pessimistic bound: moving the ratio outside $[1 - \epsilon, 1 + \epsilon]$ never increases the objective.
"""


def visible_text(html: str) -> str:
    """What a reader sees: formulas as one placeholder character, no tags."""
    html = re.sub(r"<annotation\b.*?</annotation>", "", html, flags=re.S)
    html = re.sub(r"<math\b.*?</math>", "\u2063", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").strip()


def test_the_formula_a_colon_introduces_is_kept():
    excerpt = render_excerpt(PPO, max_chars=500)
    text = visible_text(excerpt)
    assert "advantage estimate" in text
    # the paragraph ends on its colon, and the formula follows it: the thought is whole
    assert excerpt.rstrip().endswith(("</math>", "</div>"))
    assert "L^{\\mathrm{CLIP}}" in excerpt  # the display formula's annotation
    assert "with" not in text.split("advantage estimate")[-1]


def test_a_long_formula_after_a_colon_is_left_out_with_its_sentence():
    source = (
        "First sentence stands alone. The loss is defined as follows:\n\n$$"
        + " + ".join(f"x_{{{n}}}^2" for n in range(200))
        + "$$\n\nAfter the formula."
    )
    text = visible_text(render_excerpt(source, max_chars=200))
    assert text == "First sentence stands alone."


def test_a_colon_before_a_list_that_does_not_fit_becomes_an_ellipsis():
    source = "The three steps are:\n\n" + "\n".join(f"- step {n} " + "word " * 40 for n in range(5))
    text = visible_text(render_excerpt(source, max_chars=60))
    assert text == "The three steps are…"


def test_a_colon_inside_bold_is_trimmed_too():
    source = "**The loss:**\n\n" + "A very long paragraph of words. " * 40
    text = visible_text(render_excerpt(source, max_chars=30))
    assert not text.endswith(":") and text.startswith("The loss")


def test_a_cut_paragraph_ends_at_a_sentence_when_one_ends_late_enough():
    source = "One sentence here. " * 5 + "And then a very long clause " * 20
    text = visible_text(render_excerpt(source, max_chars=150))
    assert text.endswith("here.") and ELLIPSIS not in text
    early = "Short. " + "Then words without any full stop for a long while " * 10
    text = visible_text(render_excerpt(early, max_chars=150))
    assert text.endswith(ELLIPSIS)  # "Short." alone would waste the card


def test_abbreviations_and_initials_do_not_end_a_sentence():
    source = "Results on e.g. ImageNet by J. Smith et al. are good " + "and more words " * 30
    text = visible_text(render_excerpt(source, max_chars=120))
    assert text.endswith(ELLIPSIS)


def test_a_heading_is_never_the_last_thing():
    source = "A first paragraph that fits.\n\n## Method\n\n" + "Long words here " * 60
    text = visible_text(render_excerpt(source, max_chars=50))
    assert text == "A first paragraph that fits."


def test_a_formula_that_does_not_convert_is_not_shown_as_tex():
    source = "Intro sentence. The update is:\n\n$$\\frac{1}{$$\n\nAfter."
    excerpt = render_excerpt(source, max_chars=500)
    assert "\\frac" not in visible_text(excerpt)
    assert visible_text(excerpt) == "Intro sentence."


def test_a_text_that_fits_ends_as_the_writer_ended_it():
    assert visible_text(render_excerpt("Here is the list:", max_chars=500)) == "Here is the list:"


# -- stored excerpts ------------------------------------------------------------------


@pytest.mark.django_db
def test_stored_excerpts_are_recomputed_by_rerender(client):
    summary = SummaryFactory(source=PPO)
    stale = "<p>With probability ratio and advantage estimate:</p>"
    Summary.objects.filter(pk=summary.pk).update(excerpt_html=stale, renderer_version=0)
    assert rerendering.rerender_stale() >= 1
    summary.refresh_from_db()
    assert summary.excerpt_html != stale
    assert summary.excerpt_html.rstrip().endswith(("</math>", "</div>"))
    card = client.get("/").content.decode()
    assert "advantage estimate" in card and stale not in card


# -- real summaries ------------------------------------------------------------------


def real_summaries(fixtures: Path) -> list[Path]:
    paths = sorted((fixtures / "summaries_md").glob("*.md"))
    if not paths:
        pytest.skip("no summaries in ../shared/fixtures/summaries_md")
    return paths


def test_real_summaries_end_on_a_whole_thought(shared_fixtures):
    for path in real_summaries(shared_fixtures):
        source = path.read_bytes().decode("utf-8", "replace")
        for budget in (200, 350, 500):
            excerpt = render_excerpt(source, max_chars=budget)
            text = visible_text(excerpt)
            assert text, path.name
            assert not text.endswith(":"), (path.name, budget, text[-80:])
            assert "math-fallback" not in excerpt, path.name
            # never mid-word: the last word shown is a word of the source
            words = set(re.findall(r"[^\W_]+", source))
            tail = re.findall(r"[^\W_]+", text.rstrip(ELLIPSIS))[-1:]
            assert all(word in words for word in tail), (path.name, budget, text[-60:])


# -- any text ------------------------------------------------------------------------

WORDS = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=12)
FORMULAS = st.sampled_from(["x", "a_t", r"\hat{A}_t", r"\frac{1}{2}", r"\sum_i x_i", "e^{-x}"])
ENDINGS = st.sampled_from([".", ":", "?", "!", ",", ""])


@st.composite
def sentences(draw):
    parts = []
    for _ in range(draw(st.integers(1, 14))):
        if draw(st.integers(0, 5)) == 0:
            parts.append(f"${draw(FORMULAS)}$")
        else:
            parts.append(draw(WORDS))
    return " ".join(parts) + draw(ENDINGS)


@st.composite
def documents(draw):
    blocks = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            blocks.append(f"$$\n{draw(FORMULAS)}\n$$")
        elif kind == 1:
            blocks.append("## " + draw(WORDS))
        elif kind == 2:
            blocks.append(
                "\n".join(f"- {draw(sentences())}" for _ in range(draw(st.integers(1, 4))))
            )
        else:
            blocks.append(" ".join(draw(sentences()) for _ in range(draw(st.integers(1, 6)))))
    return "\n\n".join(blocks)


@settings(max_examples=300, deadline=None)
@given(source=documents(), max_chars=st.integers(20, 600))
def test_any_excerpt_ends_on_a_whole_thought(source, max_chars):
    excerpt = render_excerpt(source, max_chars=max_chars)
    text = visible_text(excerpt)
    source_words = set(re.findall(r"[a-z]+", source))
    # never mid-word: every word shown is a word of the source
    assert set(re.findall(r"[a-z]+", text)) <= source_words | {"frac", "hat", "sum"}
    # never raw TeX outside a formula
    assert "$" not in text and "\\" not in text
    # never on a colon, unless the whole text fits and the writer ended it so
    if text.rstrip().endswith(":"):
        assert visible_text(render_excerpt(source, max_chars=100_000)) == text


def test_the_lead_for_a_jump_list_is_the_first_real_paragraph_without_links():
    from precis.summaries.presenting import lead_html

    excerpt = render_excerpt(
        "## Summary\n\nResidual blocks learn $F(x)$, see [the paper](https://x.org).\n\nMore."
    )
    lead = lead_html(excerpt)
    assert lead.startswith("<span>Residual blocks learn <math")
    assert not re.search(r"<a[\s>]", lead) and "the paper" in lead and "More" not in lead
    assert lead_html("") == "" and lead_html("   ") == ""
    assert lead_html("<p>&lt;script&gt;</p>") == "<span>&lt;script&gt;</span>"
