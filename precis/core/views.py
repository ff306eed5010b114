import random

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from precis.core import services
from precis.core.paginators import CachedCountPaginator
from precis.core.readerpages import shared_for_readers
from precis.papers.fields import FIELDS
from precis.summaries.models import Summary

TABS = {
    "popular": ("Popular", ["-popularity", "-pk"]),
    "recent": ("Recent", ["-published_at", "-pk"]),
    "best": ("Best", ["-wilson", "-score", "-published_at", "-pk"]),
}
FILTERABLE_FIELDS = {key: FIELDS[key] for key in ("cs", "stats", "physics", "math", "bio")}


# Lists only listed summaries: the same for every signed-in reader but their holes.
@shared_for_readers()
def home(request):
    tab = request.GET.get("tab", "popular")
    if tab not in TABS:
        tab = "popular"
    field = request.GET.get("field", "")
    if field not in FILTERABLE_FIELDS:
        field = ""
    summaries = (
        Summary.objects.listed()
        .excluding_muted_by(request.user)
        .for_display(request.user)
        .order_by(*TABS[tab][1])
    )
    if field:
        summaries = summaries.filter(paper__field=field)
    page = CachedCountPaginator(summaries, settings.SUMMARIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/home.html",
        {
            "tabs": [(key, label) for key, (label, _) in TABS.items()],
            "tab": tab,
            "tab_label": TABS[tab][0],
            "fields": FILTERABLE_FIELDS,
            "field": field,
            "page": page,
            "summary_total": page.paginator.count,
            "counts": services.site_counts(),
            # Only on the first page: further pages are for reading on.
            "waiting": services.papers_waiting() if page.number == 1 else [],
        },
    )


def about(request):
    return render(request, "core/about.html")


def conduct(request):
    return render(request, "core/conduct.html")


def random_summary(request):
    listed = Summary.objects.listed()
    count = listed.count()
    if not count:
        return redirect("core:home")
    chosen = listed.order_by("pk").values_list("pk", flat=True)[random.randrange(count)]
    return redirect("summaries:detail", pk=chosen)


def favicon(request):
    return redirect(static("img/favicon.svg"), permanent=True)


def csrf_failure(request, reason=""):
    """A refused form post: the API's error shape under /api/, a page of ours elsewhere."""
    message = (
        "This form has expired or was sent from another site. Go back, reload the page "
        "and send it again; nothing was changed."
    )
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": f"CSRF check failed: {reason or 'send the X-CSRFToken header'}.",
                "errors": [],
            },
            status=403,
        )
    return render(request, "request_refused.html", {"message": message}, status=403)
