"""Moderators' pages for the waiting lists: hide or restore one paper, and review
what is on the lists (``/moderation/requests``). 404 to everyone else."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from precis.lib.navigation import number, safe_next
from precis.papers import demand
from precis.papers.models import Paper

from . import waiting
from .views import moderators_only

ON_THE_LISTS = 50  # the most wanted papers shown for review
HIDDEN_SHOWN = 50  # the latest hidden ones


@moderators_only
@require_POST
def act(request, pk):
    paper = get_object_or_404(Paper, pk=number(pk, default=0))
    back = redirect(safe_next(request, paper.get_absolute_url()))
    if request.POST.get("action") == "show":
        if waiting.show_paper(moderator=request.user, paper=paper):
            messages.success(request, "Back on the waiting lists.")
        return back
    try:
        if waiting.hide_paper(
            moderator=request.user, paper=paper, reason=request.POST.get("reason", "")
        ):
            messages.success(request, "Taken off the waiting lists. Its requests are kept.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return back


@moderators_only
def review(request):
    """The most wanted papers as readers see them, and those taken off the lists."""
    listed = list(demand.waiting().select_related("venue")[:ON_THE_LISTS])
    hidden = list(
        Paper.objects.filter(waiting_hidden_at__isnull=False)
        .select_related("venue", "waiting_hidden_by")
        .order_by("-waiting_hidden_at", "-pk")[:HIDDEN_SHOWN]
    )
    return render(request, "moderation/waiting.html", {"listed": listed, "hidden": hidden})
