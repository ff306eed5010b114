"""After a renderer change, every kind of stored rendered text is brought up to date."""

import pytest
from django.core.management import call_command

from precis.collections import services as collections
from precis.core import rerendering
from precis.discussions import services as discussions
from precis.lib.richtext import RENDERER_VERSION
from precis.papers.services import save_venue
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db
IMAGE = "![chart](https://images.example.org/chart.png)"


@pytest.fixture
def everything(alice, carol):
    paper = PaperFactory()
    summary = SummaryFactory(author=alice, paper=paper, source=f"See {IMAGE}")
    discussions.post_comment(author=carol, summary=summary, source=f"Also {IMAGE}")
    question = discussions.ask_question(
        author=carol, paper=paper, title="Which chart?", source=IMAGE
    )
    discussions.post_answer(author=alice, question=question, source=IMAGE)
    collection = collections.create_collection(owner=alice, title="Charts", description=IMAGE)
    collections.add_item(collection=collection, paper=paper, note=IMAGE)
    save_venue(key="charts", name="Charts", description=IMAGE)
    from precis.findings import services as findings  # precis.findings

    finding = findings.report_finding(
        author=carol, paper=paper, kind="erratum", title="Chart", source=IMAGE
    )
    findings.post_reply(author=alice, finding=finding, source=IMAGE)


def html_of_everything() -> list[tuple[str, str]]:
    """Every rendered field's (name, value): HTML, and a summary's plain description."""
    rows = []
    for model, source, fields in rerendering.RENDERED:
        for row in model.objects.exclude(**{source: ""}).order_by("pk"):
            rows += [(field, getattr(row, field)) for field in fields]
    return rows


def test_it_rerenders_every_kind_of_stale_text_and_nothing_else(everything):
    fresh = html_of_everything()
    # External images go through the proxy; the description is plain words.
    assert all("/img/" in value for field, value in fresh if value and field.endswith("html"))
    assert ("description", "See") in fresh
    for model, source, fields in rerendering.RENDERED:
        model.objects.exclude(**{source: ""}).update(
            renderer_version=0, **dict.fromkeys(fields, "<p>stale</p>")
        )
    stale = rerendering.stale_counts()
    assert all(stale.values()), stale

    seen = []
    done = rerendering.rerender_stale(progress=lambda name, count: seen.append(name))

    assert done == sum(stale.values())
    assert html_of_everything() == fresh
    assert set(seen) == set(stale)
    assert rerendering.rerender_stale() == 0
    for model, source, _ in rerendering.RENDERED:
        written = model.objects.exclude(**{source: ""})
        assert written.filter(renderer_version=RENDERER_VERSION).count() == written.count()


def test_the_command_reports_and_can_redo_everything(everything, capsys):
    call_command("rerender", "--all")
    out = capsys.readouterr().out
    assert "rows to re-render" in out and "summaries" in out and "venues" in out
    assert "Re-rendered" in out
    assert sum(rerendering.stale_counts().values()) == 0
