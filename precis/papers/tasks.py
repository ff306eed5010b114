from dataclasses import asdict

from django_tasks import task

from .related import compute_related


@task()
def compute_related_papers(paper_ids: list[int] | None = None) -> dict:
    """Recompute the related papers of ``paper_ids`` (and their neighbours), or of all papers.

    Idempotent: lists that did not change are left as they are.
    """
    return asdict(compute_related(paper_ids))
