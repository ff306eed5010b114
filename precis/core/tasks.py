from django_tasks import task

from . import rerendering


@task()
def rerender_stale_text() -> int:
    """Re-render stored text whose HTML predates the current renderer (idempotent)."""
    return rerendering.rerender_stale()
