"""Moderators take papers off the waiting lists (home, ``/requests/``) and put them back.

A paper is not people's writing, so it has no moderation state of its own; a
moderator hides it from the lists of papers waiting for a summary (a spam paper
that fresh accounts asked for, say) through ``papers.demand``, which keeps who,
when and why on the paper, and each step is in the audit log.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from precis.lib.moderation import is_moderator
from precis.lib.text import clean_text
from precis.papers import demand

from .models import Action
from .services import _target

HIDDEN_VERB = "hid from requests"
SHOWN_VERB = "showed in requests"


def _one_line(text: str) -> str:
    return " ".join(clean_text(text or "").split())[:300]


def _label(paper) -> str:
    return f"Paper “{paper.title}”"[:300]


@transaction.atomic
def hide_paper(*, moderator, paper, reason: str) -> bool:
    """Take ``paper`` off the waiting lists with ``reason``; True if it was on them."""
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can do that.")
    reason = _one_line(reason)
    if not reason:
        raise ValidationError("Say why it comes off the waiting lists.")
    if not demand.hide_from_waiting_lists(paper=paper, moderator=moderator, reason=reason):
        return False
    Action.objects.create(
        **_target(paper),
        moderator=moderator,
        verb=HIDDEN_VERB,
        reason=reason,
        label=_label(paper),
        before={"waiting lists": "shown"},
        after={"waiting lists": "hidden"},
    )
    return True


@transaction.atomic
def show_paper(*, moderator, paper, reason: str = "") -> bool:
    """Put ``paper`` back on the waiting lists; True if it was hidden."""
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can do that.")
    if not demand.show_on_waiting_lists(paper=paper):
        return False
    Action.objects.create(
        **_target(paper),
        moderator=moderator,
        verb=SHOWN_VERB,
        reason=_one_line(reason),
        label=_label(paper),
        before={"waiting lists": "hidden"},
        after={"waiting lists": "shown"},
    )
    return True
