from django_tasks import task

from . import trust


@task()
def update_trust_levels() -> dict:
    """Recompute every unlocked account's trust level (idempotent); counts."""
    return trust.update_all()
