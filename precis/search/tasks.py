from django_tasks import task

from . import services


@task()
def index_papers_task(paper_ids: list[int]) -> None:
    """Rebuild these papers' search documents (idempotent; missing papers are dropped)."""
    services.index_papers(paper_ids)
