"""Events summaries announces for higher apps to act on, so summaries never imports them."""

from django.dispatch import Signal

# Sent after commit with ``user_ids``: people whose points may have changed, because a
# vote was cast on a summary of theirs (or by them), or a voted summary was published,
# hidden, deleted, restored or made anonymous. ``discussions.reputation`` subscribes.
credit_changed = Signal()
