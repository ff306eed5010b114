from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from precis.core.readerpages import shared_for_readers
from precis.lib.navigation import number

from . import services

PAGE_SIZE = 20
IMPORT_ROUTES = {"arxiv": "papers:arxiv", "doi": "papers:doi", "dblp": "papers:dblp"}


@require_GET
@shared_for_readers()
def search(request):
    text = request.GET.get("q", "")[:500]
    page_number = min(number(request.GET.get("page"), default=1), services.MAX_PAGE_NUMBER)
    results = services.search(text, user=request.user, page_size=PAGE_SIZE, page_number=page_number)
    if results.identifier_paper is not None:
        return redirect(results.identifier_paper)
    import_url = ""
    if results.query.identifier and results.query.identifier[0] in IMPORT_ROUTES:
        scheme, value = results.query.identifier
        import_url = reverse(IMPORT_ROUTES[scheme], args=[value])
    shown_to = (page_number - 1) * PAGE_SIZE + len(results.results)
    return render(
        request,
        "search/results.html",
        {
            "q": text,
            "results": results,
            "page_number": page_number,
            "has_previous": page_number > 1,
            "has_next": shown_to < results.total,
            "first_shown": (page_number - 1) * PAGE_SIZE + 1,
            "last_shown": shown_to,
            "import_url": import_url,
            "identifier_label": _identifier_label(results.query.identifier),
        },
        status=200,
    )


def _identifier_label(identifier) -> str:
    if not identifier:
        return ""
    scheme, value = identifier
    labels = {"arxiv": "arXiv", "doi": "DOI", "dblp": "DBLP key"}
    return f"{labels.get(scheme, scheme)} {value}"


@require_GET
def suggest(request):
    """Titles as you type: a small JSON list for the header's search box."""
    text = request.GET.get("q", "")[:200]
    papers = services.suggest(text) if len(text.strip()) >= 2 else []
    return JsonResponse(
        {
            "results": [
                {
                    "title": paper.title,
                    "url": paper.get_absolute_url(),
                    "meta": " – ".join(
                        str(part)
                        for part in (paper.venue.name if paper.venue else "", paper.year)
                        if part
                    ),
                }
                for paper in papers
            ]
        }
    )
