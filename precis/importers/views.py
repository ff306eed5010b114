from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from precis.lib import identifiers, ratelimit
from precis.lib.ratelimit import rate_limited

from . import services
from .forms import AddPaperForm


@login_required
@rate_limited(ratelimit.PAPER_IMPORT)
def add_paper(request):
    """Find or import a paper from whatever the person has, then go on to summarise it.

    Pasted and uploaded BibTeX is held to ``services.paste_limits(request.user)``;
    over a limit, the page says which and keeps the text in the box.
    """
    form = AddPaperForm(request.POST or None, request.FILES or None)
    found, error, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload:
                services.check_paste_size(upload.size, user=request.user)
            found = services.find_or_import(
                form.cleaned_data["query"],
                user=request.user,
                upload=upload.read() if upload else None,
            )
        except identifiers.InvalidIdentifier as exc:
            error, status = str(exc), 400
        except services.ImportFailed as exc:
            error, status = str(exc), 503 if exc.retryable else exc.status
        else:
            if found.kind == "identifier":
                paper = found.papers[0]
                messages.success(request, f"Found “{paper.title}”. Write your summary below.")
                return redirect("summaries:write", paper_id=paper.pk)
    return render(
        request,
        "importers/add_paper.html",
        {"form": form, "found": found, "error": error, "retryable": status == 503},
        status=status,
    )


@login_required
@require_POST
@rate_limited(ratelimit.PAPER_IMPORT)
def import_candidate(request):
    """Import the search hit the person picked, by its DBLP key, then open the editor."""
    try:
        paper = services.import_by_identifier("dblp", request.POST.get("dblp", ""))
    except (identifiers.InvalidIdentifier, services.ImportFailed) as exc:
        messages.error(request, f"{exc} Please try again.")
        return redirect("importers:add")
    messages.success(request, f"Added “{paper.title}”. Write your summary below.")
    return redirect("summaries:write", paper_id=paper.pk)
