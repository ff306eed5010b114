"""Pages around the API: the reference at /api/v1/docs, and token management in settings."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from precis.accounts.forms import ProfileSettingsForm

from . import reference
from .api import api
from .errors import error_body
from .forms import ApiTokenForm
from .models import ApiToken


def docs(request):
    """A readable reference rendered on the server from the OpenAPI schema (no scripts)."""
    return render(request, "api/docs.html", {"reference": _reference()})


@functools.cache
def _reference():
    return reference.build(api.get_openapi_schema(path_prefix="/api/v1"))


@csrf_exempt  # answers every method the same way, and changes nothing
def not_found(request, rest=""):
    """Unknown paths under /api/v1/ answer in the API's error shape, not with an HTML page."""
    return JsonResponse(error_body("No such API endpoint."), status=404)


def _settings_page(request, *, token_form, new_token=None, status=200):
    return render(
        request,
        "accounts/settings.html",
        {
            "form": ProfileSettingsForm(instance=request.user),
            "token_form": token_form,
            "api_tokens": request.user.api_tokens.active(),
            "new_token": new_token,
        },
        status=status,
    )


@login_required
@require_POST
def create_token(request):
    """Create a token and show it once, on this response only: it is never stored."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, token_form=form, status=400)
    token, raw = ApiToken.issue(
        user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
    )
    return _settings_page(
        request, token_form=ApiTokenForm(), new_token={"token": token, "raw": raw}
    )


@login_required
@require_POST
def revoke_token(request, token_id):
    token = get_object_or_404(ApiToken.objects.active(), pk=token_id, user=request.user)
    token.revoke()
    messages.success(request, f"Token “{token.name}” revoked; it no longer works.")
    return redirect("accounts:settings")
