from django_tasks import task

from precis.papers import demand

from . import trust


@task()
def update_trust_levels() -> dict:
    """Recompute every unlocked account's trust level (idempotent); counts. Then recount
    the papers of accounts whose standing changed with time alone (precis.papers.demand)."""
    counts = trust.update_all()
    counts["recounted_papers"] = demand.recount_changed_by_time()
    return counts
