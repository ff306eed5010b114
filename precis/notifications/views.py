from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from precis.collections.models import Collection
from precis.lib.navigation import safe_next
from precis.papers.models import Paper, Venue
from precis.summaries.models import Visibility

from . import oneclick, services
from .models import Kind, Notification


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(user=request.user)
    return redirect("notifications:list")


@login_required
@require_POST
def open_notification(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url if notification.url.startswith("/") else "/"
    return redirect(target)


def _what_stops(data: dict) -> dict:
    if not get_user_model().objects.filter(pk=data.get("u")).exists():
        raise Http404(oneclick.NOT_VALID)
    kind = data.get("k", services.ALL_EMAIL)
    if kind == services.ALL_EMAIL:
        return {"label": "all e-mail"}
    return {"label": f"e-mails about: {Kind(kind).label.lower()}"}


unsubscribe = services.UNSUBSCRIBE.view(
    ask_template="notifications/unsubscribe.html",
    done_template="notifications/unsubscribed.html",
    context=_what_stops,
    apply=lambda data: services.unsubscribe(
        user_id=data["u"], kind=data.get("k", services.ALL_EMAIL)
    ),
)


FOLLOW_TARGETS = {
    "paper": lambda pk: {"paper": get_object_or_404(Paper, pk=pk)},
    "venue": lambda pk: {"venue": get_object_or_404(Venue, pk=pk)},
    "user": lambda pk: {"user": get_object_or_404(get_user_model().objects.public(), pk=pk)},
    # Anyone with the link may follow an unlisted collection; a private one is never followed.
    "collection": lambda pk: {
        "collection": get_object_or_404(
            Collection.objects.exclude(visibility=Visibility.PRIVATE), pk=pk
        )
    },
}


@login_required
@require_POST
def toggle_follow(request, kind, pk):
    if kind not in FOLLOW_TARGETS:
        raise Http404("Nothing to follow there.")
    target = FOLLOW_TARGETS[kind](pk)
    if request.POST.get("action") == "unfollow":
        services.unfollow(follower=request.user, **target)
        messages.success(request, "You no longer follow it.")
    else:
        try:
            services.follow(follower=request.user, **target)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, "Following. New summaries will show up in your notifications."
            )
    return redirect(safe_next(request, "/"))
