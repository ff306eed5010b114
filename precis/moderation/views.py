"""Reports and appeals (members), the queue and the audit log (moderators).

Moderators' pages answer 404 to everyone else, as anything one may not see does.
Every decision is a POST that goes through ``services``, which checks the actor
again and writes the audit log.
"""

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from precis.accounts.models import User
from precis.lib.moderation import is_moderator
from precis.lib.navigation import number, safe_next

from . import presenting, services
from .forms import PRESET_REASONS, AppealForm, ReasonForm, ReportForm
from .kinds import excerpt, kind_of
from .models import Action, Flag

FLAGS_PER_PAGE = 50
ACTIONS_PER_PAGE = 50
# One bulk POST decides at most this many items ("all matching" a filter included),
# so no request runs for long; what is left stays in the queue for the next one.
BULK_LIMIT = 500
SUSPENSIONS = {"suspend-1": 1, "suspend-7": 7, "suspend-30": 30, "suspend-forever": None}
DECISIONS = ("approve", "hide", "delete", "dismiss")
DEFAULT_SUSPENSION_REASON = "Suspended by a moderator."


def moderators_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_moderator(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


def _kind(name: str):
    kind = presenting.kind_named(name)
    if kind is None:
        raise Http404("No such kind of item.")
    return kind


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "Not allowed."


# -- members: report, appeal ---------------------------------------------------------


@login_required
def report(request, kind_name, pk):
    """Report an item one can see: a reason, and words for moderators."""
    kind = _kind(kind_name)
    row = presenting.find_visible(kind, pk, request.user)
    if row is None:
        raise Http404("No such item.")
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report(
                    reporter=request.user,
                    row=row,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _message(exc))
            else:
                messages.success(request, "Thanks — a moderator will look at it.")
                return redirect(presenting.url_of(row))
    else:
        form = ReportForm()
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "kind": kind,
            "row": row,
            "label": kind.label(row),
            "excerpt": excerpt(row),
            "url": presenting.url_of(row),
        },
    )


@login_required
@require_POST
def appeal(request, kind_name, pk):
    """The author asks once for a second look at something a moderator hid."""
    kind = _kind(kind_name)
    row = presenting.find_own(kind, pk, request.user)
    if row is None:
        raise Http404("No such item.")
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, "An appeal can say at most 500 characters.")
        return redirect(presenting.url_of(row))
    try:
        services.appeal(author=request.user, row=row, text=form.cleaned_data["text"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, "Appeal sent; a moderator will look again.")
    return redirect(presenting.url_of(row))


# -- moderators: the queue -------------------------------------------------------------


def _filters(params) -> tuple[str, str]:
    cause = params.get("cause", "")
    author = params.get("author", "").strip()
    return (cause if cause in Flag.Cause.values else ""), author[:150]


def _filtered(cause: str, author: str):
    """Open flags, by cause and by author's username (an unknown name matches nothing)."""
    flags = Flag.objects.open()
    if author:
        flags = flags.filter(author__username=author)
    return flags, (flags.filter(cause=cause) if cause else flags)


def _queue_url(cause: str = "", author: str = "", page: int | None = None) -> str:
    query = {
        key: value
        for key, value in (("cause", cause), ("author", author), ("page", page))
        if value and value != 1
    }
    return reverse("moderation:queue") + (f"?{urlencode(query)}" if query else "")


@moderators_only
def queue(request):
    """Open flags, oldest first, a page at a time, with filters by cause and by author."""
    cause, author = _filters(request.GET)
    by_author, flags = _filtered(cause, author)
    counts = presenting.cause_counts(by_author)
    flags = presenting.for_queue(flags.select_related("author").order_by("opened_at", "pk"))
    paginator = Paginator(flags, FLAGS_PER_PAGE)
    paginator.count = counts[cause] if cause else counts["all"]  # counted already
    page = paginator.get_page(number(request.GET.get("page"), default=1))
    rows = presenting.queue_rows(page.object_list)
    causes = [
        (value, label, counts[value], _queue_url(value, author))
        for value, label in Flag.Cause.choices
    ]
    return render(
        request,
        "moderation/queue.html",
        {
            "page": page,
            "rows": rows,
            "causes": causes,
            "cause": cause,
            "author": author,
            "total": counts["all"],
            "matching": paginator.count,
            "all_url": _queue_url("", author),
            "everyone_url": _queue_url(cause, ""),
            "here": _queue_url(cause, author, page.number),
            "presets": PRESET_REASONS,
            "bulk_limit": BULK_LIMIT,
        },
    )


@moderators_only
@require_POST
def act(request, pk):
    """One decision on one queue item, or on its thread or its author."""
    back = safe_next(request, reverse("moderation:queue"))
    flag = Flag.objects.select_related("author", "resolved_by").filter(pk=pk).first()
    if flag is None:
        raise Http404("No such queue item.")
    reason_form = ReasonForm(request.POST)
    if not reason_form.is_valid():
        messages.error(request, "A reason can say at most 300 characters.")
        return redirect(back)
    try:
        outcome = _decide(
            request.user,
            flag.target,
            flag.author,
            request.POST.get("action", ""),
            reason_form,
            flag=flag,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.add_message(request, outcome.level, outcome.text)
    return redirect(back)


@dataclass(frozen=True)
class Outcome:
    text: str
    level: int = messages.SUCCESS


def _decide(
    moderator, row, person, action: str, reason_form: ReasonForm, *, flag: Flag | None = None
) -> Outcome:
    """Carry out ``action`` on ``row`` (``flag``'s item, when it comes from the queue),
    its thread or its author ``person``."""
    # Taking something down may use a preset reason; letting it stand, only one's own words.
    takes_down = action in ("hide", "delete", "spammer", *SUSPENSIONS)
    reason = reason_form.reason_text(preset=takes_down)
    if action in DECISIONS:
        if flag is not None and flag.resolved_at is not None:
            who = flag.resolved_by.username if flag.resolved_by else "the site"
            return Outcome(f"Already decided ({flag.resolution}) by {who}.", messages.INFO)
        if row is None:  # the item is gone: nothing is left but to close its flag
            services.bulk(moderator=moderator, flags=[flag], action="dismiss")
            return Outcome("The item no longer exists; its flag is closed.")
        label = kind_of(row).label(row)
        decide, done = {
            "approve": (services.approve, "Approved" if flag else "Shown"),
            "hide": (services.hide, "Hidden"),
            "delete": (services.delete, "Deleted"),
            "dismiss": (services.dismiss, "Dismissed the reports on"),
        }[action]
        decide(moderator=moderator, row=row, reason=reason)
        return Outcome(f"{done}: {label}.")
    if action in ("lock", "unlock"):
        thread = presenting.thread_of(row) if row is not None else None
        if thread is None:
            raise ValidationError("Only summaries and questions (and their threads) can be locked.")
        locked = action == "lock"
        services.lock(moderator=moderator, row=thread, locked=locked, reason=reason)
        return Outcome(f"{'Locked' if locked else 'Unlocked'}: {kind_of(thread).label(thread)}.")
    if person is None:
        raise ValidationError("This item has no author to act on.")
    if action in SUSPENSIONS:
        days = SUSPENSIONS[action]
        services.suspend(
            moderator=moderator,
            person=person,
            days=days,
            reason=reason or DEFAULT_SUSPENSION_REASON,
        )
        how_long = "for good" if days is None else f"for {days} day{pluralize(days)}"
        return Outcome(f"Suspended {person.username} {how_long}.")
    if action == "unsuspend":
        services.lift_suspension(moderator=moderator, person=person, reason=reason)
        return Outcome(f"Lifted the suspension of {person.username}.")
    if action == "spammer":
        hidden = services.mark_spammer(
            moderator=moderator, person=person, reason=reason or services.SPAM_REASON
        )
        count = sum(len(ids) for ids in hidden.values())
        return Outcome(
            f"Marked {person.username} as a spammer and hid {count} item{pluralize(count)}."
        )
    if action == "unspam":
        shown = services.unmark_spammer(moderator=moderator, person=person, reason=reason)
        count = sum(len(ids) for ids in shown.values())
        return Outcome(
            f"{person.username} is no longer marked as a spammer; "
            f"{count} item{pluralize(count)} the mark hid {pluralize(count, 'is,are')} shown again."
        )
    raise ValidationError("Unknown action.")


# -- moderators: any item, from its own page ------------------------------------------


@moderators_only
@require_http_methods(["GET", "HEAD", "POST"])
def item(request, kind_name, pk):
    """One item a moderator came across outside the queue: its state, its author's
    record and its log, and the same decisions as in the queue (show again included)."""
    kind = _kind(kind_name)
    row = presenting.find_visible(kind, pk, request.user)
    if row is None:
        raise Http404("No such item.")
    here = reverse("moderation:item", args=[kind.name, row.pk])
    if request.method == "POST":
        reason_form = ReasonForm(request.POST)
        if not reason_form.is_valid():
            messages.error(request, "A reason can say at most 300 characters.")
            return redirect(here)
        try:
            outcome = _decide(
                request.user, row, kind.author_of(row), request.POST.get("action", ""), reason_form
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        else:
            messages.add_message(request, outcome.level, outcome.text)
        return redirect(here)
    return render(request, "moderation/item.html", presenting.item_context(kind, row))


@moderators_only
@require_POST
def bulk(request):
    """One decision on many queue items: those ticked, all shown on the page, or all
    (up to ``BULK_LIMIT``) matching the page's filter."""
    back = safe_next(request, reverse("moderation:queue"))
    action = request.POST.get("action", "")
    if action not in services.BULK_ACTIONS:
        messages.error(request, "Choose what to do with the selected items.")
        return redirect(back)
    reason_form = ReasonForm(request.POST)
    if not reason_form.is_valid():
        messages.error(request, "A reason can say at most 300 characters.")
        return redirect(back)
    flags = _selected(request.POST)
    if not flags:
        messages.error(request, "Select at least one item (or “all shown”).")
        return redirect(back)
    try:
        with transaction.atomic():
            reason = reason_form.reason_text(preset=action in ("hide", "delete", "spammer"))
            done = services.bulk(moderator=request.user, flags=flags, action=action, reason=reason)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
        return redirect(back)
    message = _bulk_message(action, done)
    if request.POST.get("all_matching"):
        left = _filtered(*_filters(request.POST))[1].count()
        if left:  # past BULK_LIMIT
            message += f" {left} more match; decide them with the same button again."
    messages.success(request, message)
    return redirect(back)


def _selected(post) -> list[Flag]:
    """The open flags a bulk POST names, oldest first, at most ``BULK_LIMIT``."""
    if post.get("all_matching"):
        _, flags = _filtered(*_filters(post))
    else:
        field = "shown" if post.get("all_shown") else "flags"
        ids = {pk for pk in (number(value) for value in post.getlist(field)[:BULK_LIMIT]) if pk}
        flags = Flag.objects.open().filter(pk__in=ids)
    flags = flags.select_related("author").order_by("opened_at", "pk")[:BULK_LIMIT]
    return list(flags.prefetch_related("target"))


def _bulk_message(action: str, done: int) -> str:
    if action == "spammer":
        people = f"{done} {'person' if done == 1 else 'people'}"
        return f"Marked {people} as spammers and hid everything they wrote."
    verb = {"approve": "Approved", "hide": "Hid", "delete": "Deleted", "dismiss": "Dismissed"}
    return f"{verb[action]} {done} item{pluralize(done)}."


# -- moderators: the audit log -----------------------------------------------------------


@moderators_only
def log(request):
    """Every moderator action, newest first; by moderator or about one person."""
    actions = Action.objects.all()
    moderator_name = request.GET.get("moderator", "").strip()[:150]
    person_name = request.GET.get("person", "").strip()[:150]
    if moderator_name:
        actions = actions.filter(moderator__username=moderator_name)
    if person_name:
        person = User.objects.filter(username=person_name).first()
        actions = actions.filter(presenting.actions_about(person)) if person else actions.none()
    page = Paginator(actions.order_by("-created_at", "-pk"), ACTIONS_PER_PAGE).get_page(
        number(request.GET.get("page"), default=1)
    )
    return render(
        request,
        "moderation/log.html",
        {
            "page": page,
            "lines": presenting.log_lines(page.object_list),
            "moderator_name": moderator_name,
            "person_name": person_name,
        },
    )
