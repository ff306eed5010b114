from django_tasks import task

from . import reputation


@task()
def update_reputation(user_ids: list[int]) -> None:
    """Recompute these people's points and reputation (idempotent)."""
    reputation.recompute_reputations(user_ids)
