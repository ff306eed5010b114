import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from precis.importers.services import ImportFailed, find_or_import
from precis.lib import identifiers
from precis.lib.navigation import number
from precis.lib.ratelimit import rate_limited
from precis.notifications.services import is_following
from precis.papers.models import Paper, PaperAuthor
from precis.summaries.models import Summary

from . import bibtex, exports, services
from .forms import CollectionForm, ListForm, NewCollectionForm
from .models import Collection, CollectionItem, CollectionSection

IMPORT_SESSION_KEY = "precis:collection-import:{pk}"


# -- reading -------------------------------------------------------------------------


def contents(collection, viewer) -> list[tuple[CollectionSection | None, list[CollectionItem]]]:
    """(section, items) groups in order, unsectioned items first, in a constant number of queries.

    Each item's ``shown_summary`` is its chosen summary if ``viewer`` could find it on a
    listing (a summary made unlisted or private since is not linked), else None.
    """
    sections = list(collection.sections.all())
    items = list(
        collection.items.select_related("paper__venue").prefetch_related(
            Prefetch(
                "paper__paper_authors",
                queryset=PaperAuthor.objects.select_related("author").order_by("position"),
            ),
            "paper__identifiers",
        )
    )
    chosen = [item.summary_id for item in items if item.summary_id]
    visible = (
        Summary.objects.listed_for(viewer).select_related("author").in_bulk(chosen)
        if chosen
        else {}
    )
    groups: dict[int | None, list[CollectionItem]] = {None: []}
    groups.update({section.pk: [] for section in sections})
    for item in items:
        item.shown_summary = visible.get(item.summary_id)
        groups.setdefault(item.section_id, []).append(item)
    return [(None, groups[None])] + [(section, groups[section.pk]) for section in sections]


def _visible(request, pk) -> Collection:
    return get_object_or_404(
        Collection.objects.visible_to(request.user).select_related("owner"), pk=pk
    )


def _owned(request, pk) -> Collection:
    """The signed-in user's own collection; anyone else gets 404."""
    return get_object_or_404(Collection, pk=pk, owner=request.user)


def detail(request, pk, slug=None):
    collection = _visible(request, pk)
    if slug != collection.slug:
        return redirect(collection, permanent=True)
    return render(
        request,
        "collections/detail.html",
        {
            "collection": collection,
            "groups": contents(collection, request.user),
            "is_owner": collection.owner_id == request.user.pk,
            "following": is_following(request.user, collection=collection),
        },
    )


def export_markdown(request, pk):
    collection = _visible(request, pk)
    text = exports.markdown(collection, contents(collection, request.user), request=request)
    return _download(text, "text/markdown", f"{collection.slug}.md")


def export_bibtex(request, pk):
    collection = _visible(request, pk)
    papers = [item.paper for _, items in contents(collection, request.user) for item in items]
    return _download(bibtex.write(papers), "application/x-bibtex", f"{collection.slug}.bib")


def _download(text: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# -- creating and editing ------------------------------------------------------------


@login_required
@rate_limited("collection_save", limit=30, window_seconds=60)
def new(request):
    form = NewCollectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            collection = services.create_collection(
                owner=request.user,
                title=data["title"],
                description=data["description"],
                visibility=data["visibility"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if data["papers"].strip() or data["bibtex"]:
                return _after_import(request, collection, data["papers"], data["bibtex"])
            messages.success(request, "Collection created. Now add some papers.")
            return redirect("collections:edit", pk=collection.pk)
    return render(request, "collections/new.html", {"form": form})


@login_required
def edit(request, pk):
    collection = _owned(request, pk)
    form = CollectionForm(
        request.POST or None,
        initial={
            "title": collection.title,
            "description": collection.description,
            "visibility": collection.visibility,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_collection(collection=collection, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _saved_message(collection))
            return redirect("collections:edit", pk=collection.pk)
    return _edit_page(request, collection, form=form)


def _edit_page(request, collection, *, form=None, choices=(), query="", status=200):
    return render(
        request,
        "collections/edit.html",
        {
            "collection": collection,
            "form": form
            or CollectionForm(
                initial={
                    "title": collection.title,
                    "description": collection.description,
                    "visibility": collection.visibility,
                }
            ),
            "groups": contents(collection, request.user),
            "sections": list(collection.sections.all()),
            "list_form": ListForm(),
            "choices": choices,
            "query": query,
        },
        status=status,
    )


def _saved_message(collection) -> str:
    if collection.is_private:
        return "Saved. The collection is private: only you can see it."
    if not collection.is_listed:
        return "Saved. Anyone with the link can see it; it is not listed anywhere."
    return "Saved and published."


@login_required
@require_POST
def delete(request, pk):
    collection = _owned(request, pk)
    services.delete_collection(collection=collection)
    messages.success(request, f"Deleted “{collection.title}”.")
    return redirect(request.user.get_absolute_url())


# -- sections ------------------------------------------------------------------------


def _section(collection, section_id) -> CollectionSection:
    return get_object_or_404(CollectionSection, pk=section_id, collection=collection)


def _back_to_edit(collection, anchor=""):
    return redirect(reverse("collections:edit", args=[collection.pk]) + anchor)


@login_required
@require_POST
def section_add(request, pk):
    collection = _owned(request, pk)
    try:
        section = services.add_section(collection=collection, title=request.POST.get("title", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return _back_to_edit(collection)
    return _back_to_edit(collection, f"#section-{section.pk}")


@login_required
@require_POST
def section_rename(request, pk, section_id):
    collection = _owned(request, pk)
    section = _section(collection, section_id)
    try:
        services.rename_section(section=section, title=request.POST.get("title", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return _back_to_edit(collection, f"#section-{section.pk}")


@login_required
@require_POST
def section_move(request, pk, section_id):
    collection = _owned(request, pk)
    section = _section(collection, section_id)
    try:
        services.move_section(section=section, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return _back_to_edit(collection, f"#section-{section.pk}")


@login_required
@require_POST
def section_delete(request, pk, section_id):
    collection = _owned(request, pk)
    section = _section(collection, section_id)
    services.delete_section(section=section)
    messages.success(request, f"Removed the heading “{section.title}”; its papers are kept.")
    return _back_to_edit(collection)


# -- items ---------------------------------------------------------------------------


def _item(collection, item_id) -> CollectionItem:
    return get_object_or_404(
        CollectionItem.objects.select_related("paper", "section", "collection"),
        pk=item_id,
        collection=collection,
    )


def _section_or_none(collection, value) -> CollectionSection | None:
    if not value:
        return None
    section_id = number(value)
    if section_id is None:
        raise Http404("No such section.")
    return get_object_or_404(CollectionSection, pk=section_id, collection=collection)


@login_required
@require_POST
@rate_limited("collection_add", limit=60, window_seconds=60)
def item_add(request, pk):
    """Add one paper: by a chosen paper id, or by whatever was typed (id, URL, title)."""
    collection = _owned(request, pk)
    section = _section_or_none(collection, request.POST.get("section"))
    query = request.POST.get("query", "").strip()
    if request.POST.get("paper"):
        papers = list(Paper.objects.filter(pk=number(request.POST["paper"])))
    else:
        try:
            found = find_or_import(query, user=request.user)
        except (ImportFailed, identifiers.InvalidIdentifier) as exc:
            messages.error(request, str(exc))
            return _edit_page(request, collection, query=query, status=422)
        papers = found.papers
        if len(papers) > 1:
            return _edit_page(request, collection, choices=papers, query=query)
    if not papers:
        messages.error(request, "No paper here matches that. Try its arXiv id, DOI or DBLP key.")
        return _edit_page(request, collection, query=query, status=422)
    try:
        item = services.add_item(collection=collection, paper=papers[0], section=section)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return _back_to_edit(collection)
    messages.success(request, f"Added “{item.paper.title}”.")
    return _back_to_edit(collection, f"#item-{item.pk}")


@login_required
def item_edit(request, pk, item_id):
    collection = _owned(request, pk)
    item = _item(collection, item_id)
    summaries = list(
        Summary.objects.listed_for(request.user)
        .filter(paper=item.paper)
        .select_related("author")
        .best_first()
    )
    error = ""
    if request.method == "POST":
        by_id = {summary.pk: summary for summary in summaries}
        summary = by_id.get(number(request.POST.get("summary")))
        try:
            services.update_item(
                item=item,
                note=request.POST.get("note", ""),
                summary=summary,
                section=_section_or_none(collection, request.POST.get("section")),
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, "Note saved.")
            return _back_to_edit(collection, f"#item-{item.pk}")
    return render(
        request,
        "collections/item_edit.html",
        {
            "collection": collection,
            "item": item,
            "summaries": summaries,
            "sections": list(collection.sections.all()),
            "error": error,
            "note": request.POST.get("note", item.note) if request.method == "POST" else item.note,
        },
        status=422 if error else 200,
    )


@login_required
@require_POST
def item_move(request, pk, item_id):
    collection = _owned(request, pk)
    item = _item(collection, item_id)
    try:
        services.move_item(item=item, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return _back_to_edit(collection, f"#item-{item.pk}")


@login_required
@require_POST
def item_section(request, pk, item_id):
    collection = _owned(request, pk)
    item = _item(collection, item_id)
    section = _section_or_none(collection, request.POST.get("section"))
    services.move_item_to_section(item=item, section=section)
    return _back_to_edit(collection, f"#item-{item.pk}")


@login_required
@require_POST
def item_delete(request, pk, item_id):
    collection = _owned(request, pk)
    item = _item(collection, item_id)
    services.delete_item(item=item)
    messages.success(request, f"Removed “{item.paper.title}”.")
    return _back_to_edit(collection)


@login_required
@require_POST
def order(request, pk):
    """The whole order at once, as JSON: what drag and drop in site.js posts.

    Body: ``{"sections": [ids], "items": {"": [ids], "<section id>": [ids]}}``.
    """
    collection = _owned(request, pk)
    try:
        data = json.loads(request.body)
        sections = [int(pk) for pk in data["sections"]]
        items = {
            (int(key) if key else None): [int(pk) for pk in ids]
            for key, ids in data["items"].items()
        }
        services.reorder(collection=collection, sections=sections, items=items)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return JsonResponse({"detail": "Malformed order.", "errors": [str(exc)]}, status=400)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.messages[0], "errors": []}, status=400)
    return JsonResponse({"detail": "Saved."})


# -- start from a list ---------------------------------------------------------------


@login_required
@rate_limited("collection_import", limit=10, window_seconds=60)
def import_list(request, pk):
    collection = _owned(request, pk)
    if request.method == "POST":
        form = ListForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            return _after_import(request, collection, data["papers"], data["bibtex"])
        return render(request, "collections/import.html", {"collection": collection, "form": form})
    leftover = request.session.pop(IMPORT_SESSION_KEY.format(pk=collection.pk), None) or {}
    form = ListForm(initial={"papers": leftover.get("text", "")})
    return render(
        request,
        "collections/import.html",
        {
            "collection": collection,
            "form": form,
            "problems": leftover.get("problems", []),
            "added_count": leftover.get("added", 0),
        },
    )


def _after_import(request, collection, text, upload):
    outcome = services.add_from_list(collection=collection, text=text, upload=upload)
    added = len(outcome.added)
    if added or outcome.sections:
        messages.success(
            request,
            f"Added {added} paper{'s' if added != 1 else ''}"
            + (f" under {len(outcome.sections)} headings" if outcome.sections else "")
            + ".",
        )
    if outcome.already:
        messages.info(request, f"Already in the collection: {'; '.join(outcome.already)}.")
    if outcome.problems:
        # Post/redirect/get: the lines we could not resolve wait on the import page.
        request.session[IMPORT_SESSION_KEY.format(pk=collection.pk)] = {
            "text": outcome.unresolved_text,
            "problems": outcome.problems,
            "added": added,
        }
        return redirect("collections:import", pk=collection.pk)
    return redirect("collections:edit", pk=collection.pk)


# -- adding one paper from elsewhere (the browser extension's "Add to a collection") -------

COLLECT_MAX_SHOWN = 200


@login_required
def collect(request, paper_id):
    """The signed-in reader's collections, each with a button that adds this paper (to
    ``item_add``); those that hold it already say so. Reached by a plain link."""
    paper = get_object_or_404(Paper, pk=paper_id)
    held = CollectionItem.objects.filter(collection=OuterRef("pk"), paper=paper)
    owned = Collection.objects.filter(owner=request.user).annotate(has_paper=Exists(held))
    shown = list(owned[: COLLECT_MAX_SHOWN + 1])
    return render(
        request,
        "collections/collect.html",
        {
            "paper": paper,
            "collections": shown[:COLLECT_MAX_SHOWN],
            "more": len(shown) > COLLECT_MAX_SHOWN,
        },
    )
