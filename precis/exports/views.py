import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from precis.collections import bibtex
from precis.papers.models import Paper, Venue
from precis.summaries.models import listed_q

from . import downloads, services


def _download(body, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp(request) -> str:
    return f"{request.user.username}-{timezone.now():%Y%m%d}"


@login_required
def export_json(request):
    data = services.export_user(request.user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return _download(body, "application/json; charset=utf-8", f"precis-{_stamp(request)}.json")


@login_required
def export_zip(request):
    body = downloads.markdown_zip(request.user)
    return _download(body, "application/zip", f"precis-{_stamp(request)}.zip")


@login_required
def summaries_csv(request):
    body = downloads.summaries_csv(request.user)
    return _download(body, "text/csv; charset=utf-8", f"summaries-{_stamp(request)}.csv")


def _bibtex(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def paper_bibtex(request, pk):
    paper = get_object_or_404(Paper.objects.with_authors(), pk=pk)
    return _bibtex(bibtex.write([paper]), f"{paper.slug or 'paper'}.bib")


def venue_bibtex(request, key, year):
    """The papers of a venue-year that have a listed summary, as the venue page lists them."""
    venue = get_object_or_404(Venue, key=key)
    papers = (
        Paper.objects.filter(venue=venue, year=year)
        .filter(listed_q("summaries__"))
        .distinct()
        .order_by("title", "pk")
        .with_authors()
    )
    return _bibtex(bibtex.write(papers), f"{venue.key}-{year}.bib")
