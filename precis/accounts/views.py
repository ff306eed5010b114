from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from precis.collections.models import Collection
from precis.lib import safehttp
from precis.lib.moderation import is_moderator
from precis.lib.ratelimit import rate_limited
from precis.notifications.services import is_following
from precis.papers.models import Paper
from precis.summaries.models import Summary, listed_q

from . import services
from .forms import ProfileSettingsForm
from .models import User

# What counts towards a person's public record: listed summaries under their own name.
# Anonymous summaries are left out, or the numbers would reveal who wrote them.
CREDITED = listed_q("summaries__") & Q(summaries__anonymous=False)
USERS_PER_PAGE = 50
CLAIMED_PAPERS_SHOWN = 50


def with_public_record(users):
    """Annotate ``summary_count`` and ``score`` from credited summaries only."""
    return users.annotate(
        summary_count=Count("summaries", filter=CREDITED),
        score=Coalesce(Sum("summaries__score", filter=CREDITED), 0),
    )


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
    page = Paginator(summaries, 20).get_page(request.GET.get("page"))
    collections = Collection.objects.filter(owner=person)
    if not own_page:
        collections = collections.listed()
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "page": page,
            "own_page": own_page,
            "following": not own_page and is_following(request.user, user=person),
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


def user_list(request):
    people = (
        with_public_record(User.objects.public())
        .filter(summary_count__gt=0)
        .order_by("-score", "-summary_count", "username")
    )
    page = Paginator(people, USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


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
        {"form": form, "api_tokens": request.user.api_tokens.filter(revoked_at__isnull=True)},
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
