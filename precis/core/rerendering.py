"""Re-render every stored piece of rendered text after the renderer changes.

Summaries, comments, questions, answers, collection descriptions and notes, and
venue descriptions all keep their HTML beside their source with the
``RENDERER_VERSION`` that made it. A bump (say, external images now going
through the image proxy) leaves rows stale until this re-renders them, in
committed batches, so a killed run resumes where it stopped.
"""

from collections.abc import Callable

from precis.collections.models import Collection, CollectionItem
from precis.discussions.models import Answer, Comment, Question
from precis.findings.models import Finding, FindingReply
from precis.lib.richtext import RENDERER_VERSION
from precis.papers.models import Venue
from precis.summaries.models import Summary

# Each model with a ``render()`` method: its source field and the fields it fills.
RENDERED = [
    (Summary, "source", ["html", "excerpt_html", "description"]),
    (Comment, "source", ["html"]),
    (Question, "source", ["html"]),
    (Answer, "source", ["html"]),
    (Collection, "description", ["description_html"]),
    (CollectionItem, "note", ["note_html"]),
    (Venue, "description", ["description_html"]),
    (Finding, "source", ["html"]),
    (FindingReply, "source", ["html"]),
]
BATCH_SIZE = 200


def _stale(model, source_field: str):
    # Empty text renders to nothing under any version: imported venues and bare
    # collection items are never worth a pass.
    return model.objects.exclude(renderer_version=RENDERER_VERSION).exclude(**{source_field: ""})


def stale_counts() -> dict[str, int]:
    """Rows left to re-render, by model name."""
    return {
        model._meta.verbose_name_plural: _stale(model, source).count()
        for model, source, _ in RENDERED
    }


def mark_all_stale() -> None:
    """Make every row stale, for ``rerender --all``."""
    for model, _, _ in RENDERED:
        model.objects.update(renderer_version=0)


def rerender_stale(*, progress: Callable[[str, int], None] | None = None) -> int:
    """Re-render every row older than the current renderer; returns how many.

    Idempotent and resumable: each batch is committed, and finished rows no
    longer match the stale filter.
    """
    done = 0
    for model, source, fields in RENDERED:
        name = model._meta.verbose_name_plural
        while True:
            batch = list(_stale(model, source).order_by("pk")[:BATCH_SIZE])
            if not batch:
                break
            for row in batch:
                row.render()
            model.objects.bulk_update(batch, [*fields, "renderer_version"])
            done += len(batch)
            if progress:
                progress(name, len(batch))
    return done
