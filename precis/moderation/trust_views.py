"""Staff set a person's trust level by hand, from the moderators' pages.

Kept beside ``views`` so the queue's module stays about the queue; wired in ``urls``.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect

from precis.accounts.models import TrustLevel, User
from precis.lib.moderation import is_moderator
from precis.lib.navigation import safe_next
from precis.lib.text import clean_text

from . import trust

AUTOMATIC = "auto"  # the form's value for "let the rules decide again"


def set_trust(request, username):
    """Set ``username``'s level and lock it, or (``level=auto``) hand it back to the rules.

    For moderators who are staff; everyone else gets 404, as for any page they may
    not see. Back to ``next`` (a path on this site) or the person's profile.
    """
    if not (request.user.is_staff and is_moderator(request.user)):
        raise Http404("No such page.")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    person = get_object_or_404(User, username=username)
    back = redirect(safe_next(request, person.get_absolute_url()))
    raw = request.POST.get("level", "")
    if raw == AUTOMATIC:
        level = None
    elif raw in {str(value) for value in TrustLevel.values}:
        level = int(raw)
    else:
        messages.error(request, "Choose a trust level.")
        return back
    trust.set_by_hand(
        moderator=request.user,
        person=person,
        level=level,
        reason=clean_text(request.POST.get("reason", "")).strip()[:300],
    )
    person.refresh_from_db()
    how = "set by hand" if person.trust_level_locked else "left to the automatic rules"
    messages.success(
        request, f"{person.username}'s trust level is {person.get_trust_level_display()}, {how}."
    )
    return back
