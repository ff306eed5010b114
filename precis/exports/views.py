import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from precis.collections import bibtex
from precis.papers.models import Paper, Venue

from . import downloads, dumps, services


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
        Paper.objects.filter(venue=venue, year=year, listed_summaries__gt=0)
        .order_by("title", "pk")
        .with_authors()
    )
    return _bibtex(bibtex.write(papers), f"{venue.key}-{year}.bib")


# -- open data (/data/) ------------------------------------------------------------

# A dump's files never change under their URL (each dump has its own folder name).
DUMP_FILE_CACHE_SECONDS = 365 * 24 * 60 * 60


@require_safe
def data(request):
    """The latest public data dump: its files with sizes, rows and checksums, the
    licence, and what each file's fields mean; a plain page when there is none yet."""
    dump = dumps.latest(settings.PUBLIC_DUMP_DIR)
    kinds = {kind.name: kind for kind in dumps.kinds()}
    files = []
    if dump is not None:
        for entry in dump.files:
            kind = kinds.get(entry.get("kind"))
            files.append({**entry, "fields": kind.fields if kind else entry.get("fields", {})})
    return render(
        request,
        "exports/data.html",
        {
            "dump": dump,
            "files": files,
            "licence": dumps.LICENCE,
            "attribution": dumps.ATTRIBUTION,
            "schema_version": dumps.SCHEMA_VERSION,
        },
    )


@require_safe
def data_file(request, name, file_name):
    """One file of a dump: the JSON Lines as application/gzip downloads (never
    Content-Encoding, so that what is saved is the .gz file itself), the manifest as
    JSON. docs/operations.md has nginx serve the same folder instead, if wanted."""
    path = dumps.find_file(settings.PUBLIC_DUMP_DIR, name, file_name)
    if path is None:
        raise Http404("No such file in the public data dumps.")
    try:
        handle = path.open("rb")  # FileResponse closes it
    except OSError as exc:  # pruned between the check and here
        raise Http404("No such file in the public data dumps.") from exc
    if file_name == dumps.MANIFEST:
        response = FileResponse(handle, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="precis-{name}-{file_name}"'
    else:
        response = FileResponse(handle, content_type="application/gzip")
        response["Content-Disposition"] = f'attachment; filename="precis-{name}-{file_name}"'
    response["Cache-Control"] = f"public, max-age={DUMP_FILE_CACHE_SECONDS}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
