from django_tasks import task

from . import services


@task()
def rerender_stale_summaries() -> int:
    """Re-render summaries whose stored HTML predates the current renderer (idempotent)."""
    return services.rerender_stale()
