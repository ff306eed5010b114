"""Topics: the arXiv categories and keywords papers are on, kept findable by an index.

A paper's topics are its ``categories`` and ``keywords`` (JSON lists). Finding the
papers on one topic in those lists would read every paper's JSON, so each topic of
each paper is also a PaperTopic row, keyed by the topic's name in lower case, with the
paper's year to list them newest first. The rows are written wherever a paper's
categories, keywords or year are: the import's batch writer (precis.papers.services)
and Paper.save().
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from .bulk import delete_rows, insert_rows
from .models import MAX_TOPIC_CHARS, Paper, PaperTopic

#: Papers whose rows are written again per transaction by ``rebuild_topics``.
REBUILD_BATCH = 5000


def topic_key(name: str) -> str:
    """A topic as it is stored and looked up: cs.LG, CS.lg and cs.lg are one topic."""
    return name.lower()


def keys_of(paper) -> set[str]:
    """The topic keys of a paper (a model instance, or a bulk import's row)."""
    keys = {
        topic_key(name)
        for names in (paper.categories, paper.keywords)
        if isinstance(names, list)  # not a string's characters, whatever was stored
        for name in names
        if isinstance(name, str)
    }
    keys.discard("")
    if any(len(key) > MAX_TOPIC_CHARS for key in keys):
        keys = {key for key in keys if len(key) <= MAX_TOPIC_CHARS}
    return keys


def write_topics(papers: Iterable, *, replace: bool = True) -> None:
    """Make the topic rows of ``papers`` match their categories, keywords and year.

    ``replace=False`` is for papers just inserted, which have no rows yet.
    """
    papers = list(papers)
    if replace:
        delete_rows(PaperTopic.objects.filter(paper_id__in=[paper.pk for paper in papers]))
    insert_rows(
        PaperTopic,
        ["topic", "paper_id", "year"],
        [(key, paper.pk, paper.year or 0) for paper in papers for key in keys_of(paper)],
    )


def rebuild_topics(paper_model=Paper, topic_model=PaperTopic) -> int:
    """Write every paper's topic rows again, a batch of papers per transaction; returns
    how many rows there are now. Idempotent; the models are the migration's when it
    fills the table (papers.0009)."""
    written, last = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                paper_model.objects.filter(pk__gt=last)
                .order_by("pk")
                .only("categories", "keywords", "year")[:REBUILD_BATCH]
            )
            if not batch:
                return written
            last = batch[-1].pk
            delete_rows(topic_model.objects.filter(paper_id__gte=batch[0].pk, paper_id__lte=last))
            rows = [(key, paper.pk, paper.year or 0) for paper in batch for key in keys_of(paper)]
            insert_rows(topic_model, ["topic", "paper_id", "year"], rows)
            written += len(rows)


def rows_on(name: str) -> QuerySet:
    """The topic rows of the papers on topic ``name``: a range of an index, never a scan."""
    key = topic_key(name)
    if len(key) > MAX_TOPIC_CHARS:
        return PaperTopic.objects.none()
    return PaperTopic.objects.filter(topic=key)
