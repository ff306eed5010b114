"""The up/down/clear vote forms shared by summaries and answers: parse, cast, answer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect

from .navigation import safe_next, wants_json

VOTE_VALUES = {"up": 1, "down": -1, "clear": 0}


def vote_response(request, *, cast, fallback_url: str):
    """Cast the posted vote with ``cast(value)`` and answer as JSON or by redirecting back.

    ``cast`` returns the voted object (with score, upvotes, downvotes) or raises
    PermissionDenied / ValidationError, whose message is shown to the voter.
    """
    value = VOTE_VALUES.get(request.POST.get("value", ""))
    if value is None:
        return _error(request, fallback_url, "Choose up, down or clear.", status=400)
    try:
        voted = cast(value)
    except (PermissionDenied, ValidationError) as exc:
        return _error(request, fallback_url, _message(exc), status=403)
    if wants_json(request):
        return JsonResponse(
            {
                "score": voted.score,
                "upvotes": voted.upvotes,
                "downvotes": voted.downvotes,
                "my_vote": value,
            }
        )
    return redirect(safe_next(request, fallback_url))


def _error(request, fallback_url, message, *, status):
    if wants_json(request):
        return JsonResponse({"detail": message, "errors": []}, status=status)
    messages.error(request, message)
    return redirect(safe_next(request, fallback_url))


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return exc.messages[0]
    return str(exc) or "Not allowed."
