from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from precis.collections.models import Collection
from precis.core.paginators import CachedCountPaginator
from precis.core.readerpages import shared_for_readers
from precis.lib import safehttp
from precis.lib.moderation import is_moderator
from precis.lib.navigation import safe_next
from precis.lib.ratelimit import rate_limited
from precis.notifications.services import is_following
from precis.papers.models import Paper
from precis.summaries.models import Summary, listed_q

from . import services
from .forms import ProfileSettingsForm
from .models import Block, PointsEntry, User

# What counts towards a person's public record: listed summaries under their own name.
# Anonymous summaries are left out, or the numbers would reveal who wrote them.
CREDITED = listed_q("summaries__") & Q(summaries__anonymous=False)
USERS_PER_PAGE = 50
CLAIMED_PAPERS_SHOWN = 50
TOP_WRITERS_DAYS = 30
TOP_WRITERS_SHOWN = 10
BLOCKS_PER_PAGE = 50


def with_public_record(users):
    """Annotate ``summary_count`` and ``score`` from credited summaries only."""
    return users.annotate(
        summary_count=Count("summaries", filter=CREDITED),
        score=Coalesce(Sum("summaries__score", filter=CREDITED), 0),
    )


# The person's own page is theirs alone: readerpages notes the id compared with theirs.
@shared_for_readers()
def profile(request, username):
    person = get_object_or_404(with_public_record(User.objects.all()), username=username)
    own_page = request.user.pk == person.pk
    if not (person.is_public or own_page or is_moderator(request.user)):
        raise Http404("No such person.")
    summaries = Summary.objects.filter(author=person)
    if own_page:
        summaries = summaries.alive()
    else:
        summaries = summaries.listed().filter(anonymous=False)
    summaries = summaries.for_display(request.user).order_by("-published_at", "-updated_at")
    page = CachedCountPaginator(summaries, 20).get_page(request.GET.get("page"))
    collections = Collection.objects.filter(owner=person)
    if not own_page:
        collections = collections.listed()
    relation, blocked_by_them = _relations(request.user, person)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "page": page,
            "own_page": own_page,
            "following": not own_page and is_following(request.user, user=person),
            "relation": relation,
            "blocked_by_them": blocked_by_them,
            # Shown to the writer alone: points from anonymous summaries stay out of the
            # public number, or a vote on one would tell who wrote it.
            "private_points": _private_points(person) if own_page else 0,
            "collections": list(
                collections.annotate(item_count=Count("items")).order_by("-updated_at", "-pk")
            ),
            "claimed_papers": list(
                Paper.objects.filter(claims__user=person)
                .select_related("venue")
                .order_by("-year", "title")[:CLAIMED_PAPERS_SHOWN]
            ),
        },
    )


def _relations(viewer, person) -> tuple[str, bool]:
    """(the kind of ``viewer``'s mute or block of ``person``, or "", whether ``person``
    blocked ``viewer``). One query for a signed-in viewer of someone else's page."""
    if not viewer.is_authenticated or viewer.pk == person.pk:
        return "", False
    rows = Block.objects.filter(
        Q(who=viewer, whom=person) | Q(who=person, whom=viewer, kind=Block.Kind.BLOCK)
    ).values_list("who_id", "kind")
    relation, blocked_by_them = "", False
    for who, kind in rows:
        if who == viewer.pk:
            relation = kind
        else:
            blocked_by_them = True
    return relation, blocked_by_them


def _private_points(person) -> int:
    return (
        PointsEntry.objects.filter(user=person, public=False).aggregate(total=Sum("points"))[
            "total"
        ]
        or 0
    )


def user_list(request):
    """Writers by points (reputation), then by their summaries' votes; and the month's best."""
    people = (
        with_public_record(User.objects.public())
        .filter(Q(summary_count__gt=0) | Q(reputation__gt=0))
        .order_by("-reputation", "-score", "-summary_count", "username")
    )
    page = Paginator(people, USERS_PER_PAGE).get_page(request.GET.get("page"))
    since = timezone.now() - timedelta(days=TOP_WRITERS_DAYS)
    top = User.objects.public().top_writers_since(since)[:TOP_WRITERS_SHOWN]
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "top_writers": list(top), "top_writers_days": TOP_WRITERS_DAYS},
    )


RELATION_ACTIONS = {
    "mute": (services.mute, "Muted. You will no longer see what {name} writes or hear of it."),
    "unmute": (services.unmute, "Unmuted {name}."),
    "block": (
        services.block,
        "Blocked. {name} can no longer comment on your summaries, reply to you, answer "
        "your questions, mention or follow you, and you will not see what they write.",
    ),
    "unblock": (services.unblock, "Unblocked {name}."),
}


@login_required
@require_POST
@rate_limited("relation", limit=30, window_seconds=60)
def relation(request, username):
    """Mute, unmute, block or unblock someone (``action``), then go back to ``next``.

    Someone whose profile is not shown is 404 here too, unless already muted or blocked
    (so the settings page can undo it).
    """
    person = get_object_or_404(User, username=username)
    if not person.is_public and not Block.objects.filter(who=request.user, whom=person).exists():
        raise Http404("No such person.")
    action = RELATION_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Choose mute, unmute, block or unblock.")
        return redirect(safe_next(request, person.get_absolute_url()))
    change, message = action
    try:
        change(who=request.user, whom=person)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, message.format(name=person.public_name))
    return redirect(safe_next(request, person.get_absolute_url()))


@login_required
def settings_page(request):
    form = ProfileSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("accounts:settings")
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "api_tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
            "blocks": Paginator(
                Block.objects.filter(who=request.user).select_related("whom"), BLOCKS_PER_PAGE
            ).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
@rate_limited("orcid_import", limit=5, window_seconds=60)
def import_orcid_works(request):
    """Import the signed-in person's public ORCID works and claim them as theirs."""
    if not request.user.orcid:
        messages.error(request, "Add your ORCID iD below first, then import your works.")
        return redirect("accounts:settings")
    try:
        result = services.import_orcid_works(user=request.user)
    except safehttp.FetchError as exc:
        messages.error(request, f"Could not read your works from ORCID, so nothing changed. {exc}")
        return redirect("accounts:settings")
    messages.success(
        request,
        f"ORCID lists {result.works} work{'s' if result.works != 1 else ''}; "
        f"{result.report.created} new to Precis, {result.claimed} newly on your profile.",
    )
    return redirect(request.user)


def outbox(request):
    """The demo's sent e-mail, newest first (debug mode with file e-mail only; else 404)."""
    from . import outbox as mail

    if not mail.is_enabled():
        raise Http404("There is no outbox here: this site sends real e-mail.")
    response = render(
        request,
        "accounts/outbox.html",
        {
            "messages_sent": mail.newest_messages(),
            "folder": mail.folder(),
            "shown_at_most": mail.SHOWN_MESSAGES,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def welcome(request):
    """What to do first, shown once after a new account confirms its address
    (adapters.AccountAdapter.post_login), and whenever someone comes back to it."""
    return render(
        request,
        "accounts/welcome.html",
        {"next_url": safe_next(request, ""), "has_orcid": bool(request.user.orcid)},
    )
