"""What the views of people's writing share: a page only those who may open it learn
exists, a refused form is shown again with the reason and what was typed, and a delete
is a 404 to those who may not make it.

Comments, questions and answers (``discussions``) and findings and their replies
(``findings``) use these; the services decide, these only answer.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from .moderation import is_moderator


def readable_or_404(rows, pk, user, *, noun: str, author_sees_deleted: bool):
    """The row ``pk`` of ``rows`` if ``user`` may open it, else 404 (as for one that is
    not there): a held or hidden one only its author and moderators; a deleted one only
    moderators, and its author too with ``author_sees_deleted``."""
    row = get_object_or_404(rows, pk=pk)
    if row.deleted_at is not None and not (
        is_moderator(user) or (author_sees_deleted and row.author_id == user.pk)
    ):
        raise Http404(f"No such {noun}.")
    if not row.is_visible_to(user):
        raise Http404(f"No such {noun}.")
    return row


def refusal(exc: ValidationError | PermissionDenied) -> str:
    """What to tell someone whose action a service refused."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "Not allowed."


def save_form(form, save, *, field: str | None = None, refused=(ValidationError,)):
    """What ``save(**form.cleaned_data)`` wrote (``save``: a service, given the form's
    fields as keywords), or None: when ``form`` is not valid, or when the service refuses
    (raises one of ``refused``), with its reason added to the form (on ``field``, or above
    it) for the page that shows the form again.

    A double submit is the service's to catch (``discussions.services.just_posted``): it
    returns what the first copy wrote, so both copies lead to the same page.
    """
    if not form.is_valid():
        return None
    try:
        return save(**form.cleaned_data)
    except refused as exc:
        form.add_error(field, exc if isinstance(exc, ValidationError) else refusal(exc))
        return None


def delete_or_404(request, rows, pk, delete, *, noun: str):
    """Delete the row ``pk`` of ``rows`` as the signed-in user, and say so; returns the row.

    ``delete`` is the owning app's service, called as ``delete(<noun>=row, editor=user)``
    (``services.delete_answer(answer=…, editor=…)``); it refuses (PermissionDenied) those
    who may not, who get 404, as for a row that is not there.
    """
    row = get_object_or_404(rows, pk=pk)
    try:
        delete(**{noun: row}, editor=request.user)
    except PermissionDenied:
        raise Http404(f"No such {noun}.") from None
    messages.success(request, f"{noun.capitalize()} deleted.")
    return row
