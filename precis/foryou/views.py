"""/for-you/: a signed-in reader's picks; signed-out readers get a page that explains it.

The page reads stored picks (``reading``) and never trains; it is never kept in the
shared page cache (a signed-in reader carries a session, and the answer is marked
private besides). The Atom feed is reached by a secret token instead of a session.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_POST

from precis.collections.models import Collection
from precis.core.siteurl import site_url
from precis.feeds.feeds import FullContentAtomFeed
from precis.lib.navigation import number, safe_next
from precis.notifications import oneclick

from . import reading, services
from .models import EmailFrequency, Profile

FEED_ENTRIES = 30
TOKEN_CHARS = 64


def page(request):
    if not request.user.is_authenticated:
        return render(request, "foryou/signed_out.html")
    reader = request.user
    profile = reading.state_of(reader)
    seeds = reading.seeds_of(reader, services.MAX_SEEDS)
    picks = reading.picks_page(reader, number(request.GET.get("page"), default=1), seeds=seeds)
    cold = not picks.paginator.count
    context = {
        "profile": profile,
        "page": picks,
        "seeds": seeds,
        "cold": cold,
        "pending": profile is not None and profile.changed_at is not None,
        "popular": reading.popular(reader) if cold else [],
        "frequencies": EmailFrequency.choices,
        "feed_url": (
            site_url(request) + reverse("foryou:atom", args=[profile.feed_token]) if profile else ""
        ),
        "own_collections": list(
            Collection.objects.filter(owner=reader)
            .exclude(pk__in=[seed.collection_id for seed in seeds])
            .order_by("title", "pk")
            .values_list("pk", "title")[:50]
        ),
    }
    response = render(request, "foryou/page.html", context)
    patch_cache_control(response, private=True)
    return response


@login_required
@require_POST
def add_seed(request):
    collection_id = number(request.POST.get("collection"))
    if collection_id is None:
        raise Http404("No such collection.")
    collection = get_object_or_404(Collection, pk=collection_id)
    try:
        services.add_seed(reader=request.user, collection=collection)
    except Collection.DoesNotExist:
        raise Http404("No such collection.") from None
    except services.SeedRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, f"Your feed now learns from “{collection.title}”. It updates in a few minutes."
        )
    return redirect(safe_next(request, reverse("foryou:page")))


@login_required
@require_POST
def remove_seed(request, collection_id):
    if number(str(collection_id)) is None:  # beyond any id (and PostgreSQL's integers)
        raise Http404("No such collection.")
    if services.remove_seed(reader=request.user, collection_id=collection_id):
        messages.success(request, "That collection no longer shapes your feed.")
    return redirect(safe_next(request, reverse("foryou:page")))


@login_required
@require_POST
def email_settings(request):
    frequency = request.POST.get("frequency", "")
    try:
        services.set_email_frequency(reader=request.user, frequency=frequency)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        label = dict(EmailFrequency.choices)[frequency].lower()
        messages.success(request, f"E-mail of your feed: {label}.")
    return redirect("foryou:page")


@login_required
@require_POST
def new_feed_address(request):
    services.new_feed_address(reader=request.user)
    messages.success(request, "Your feed has a new address; the old one no longer works.")
    return redirect("foryou:page")


@require_GET
def atom(request, token):
    """The reader's picks as Atom, for whoever holds the secret address.

    Says nothing of who the reader is; never cached by anyone but the feed reader.
    """
    if len(token) > TOKEN_CHARS or not token.isascii() or "\x00" in token:
        raise Http404("No such feed.")
    profile = Profile.objects.filter(feed_token=token).select_related("user").first()
    if profile is None or not profile.user.is_active:
        raise Http404("No such feed.")
    base = site_url(request)
    page_url = base + reverse("foryou:page")
    feed = FullContentAtomFeed(
        title=f"Papers for you · {settings.SITE_NAME}",
        link=page_url,
        description="Papers picked for one reader from what they read, collected and wrote.",
        feed_url=request.build_absolute_uri(),
        author_name=settings.SITE_NAME,
        # Not the address: the id outlives nothing and names no one.
        feed_guid="urn:precis:for-you:"
        + hashlib.blake2b(profile.feed_token.encode(), digest_size=12).hexdigest(),
    )
    updated = profile.trained_at
    for entry in reading.top_entries(profile.user, FEED_ENTRIES):
        paper_url = base + entry.paper.get_absolute_url()
        body = f"<p>{escape(entry.why.text)}</p>"
        if entry.summary is not None:
            body += (
                f'<p><a href="{base}{entry.summary.get_absolute_url()}">The best summary</a></p>'
            )
        feed.add_item(
            title=entry.paper.title,
            link=paper_url,
            description=body,
            excerpt=entry.why.text,
            unique_id=paper_url,
            updateddate=updated,
            pubdate=updated,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _unsubscribe_context(data: dict) -> dict:
    """The pages say nothing of the reader; 404 once their profile is gone."""
    if not Profile.objects.filter(user_id=data.get("u")).exists():
        raise Http404(oneclick.NOT_VALID)
    return {}


unsubscribe = services.UNSUBSCRIBE.view(
    ask_template="foryou/unsubscribe.html",
    done_template="foryou/unsubscribed.html",
    context=_unsubscribe_context,
    apply=lambda data: services.unsubscribe(user_id=data["u"]),
)
