import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from precis.api.errors import error_body
from precis.lib import imageproxy, ratelimit
from precis.lib.navigation import number, wants_json

from . import images, proxy, services
from .forms import FigureForm
from .images import FigureError
from .models import Figure

# Requests per client address per minute; a page's images come from the
# browser's cache after the first view (Cache-Control below).
REQUESTS_PER_MINUTE = 120


@require_safe
def image(request, signature, encoded):
    """An external image, fetched by this site so that readers never contact its host.

    Answers 404 unless this site signed the path. Reads neither the session nor
    the user, so it sets no cookie, and its answers may be shared by caches.
    """
    url = imageproxy.url_from(signature, encoded)
    if url is None:
        return _error("No such image.", status=404)
    if not ratelimit.allow(
        "image_proxy", _client(request), limit=REQUESTS_PER_MINUTE, window_seconds=60
    ):
        response = _error("Too many image requests; please wait a minute.", status=429)
        response["Retry-After"] = "60"
        return response
    try:
        image = proxy.get_image(url)
    except proxy.ImageError as exc:
        response = _error(exc.message, status=exc.status)
        if exc.status == 503:
            response["Retry-After"] = "10"
        return response
    response = HttpResponse(image.content, content_type=image.content_type)
    response["Cache-Control"] = f"public, max-age={proxy.CACHE_SECONDS}"
    return _sealed(response)


def _client(request) -> str:
    # Hashed, like lib.ratelimit does for visitors; request.user is not touched,
    # since reading it would read the session.
    address = request.META.get("REMOTE_ADDR", "")
    return "ip:" + hashlib.sha256(address.encode()).hexdigest()[:24]


def _error(message: str, *, status: int) -> HttpResponse:
    response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = f"public, max-age={proxy.FAILURE_CACHE_SECONDS}"
    return _sealed(response)


def _sealed(response: HttpResponse) -> HttpResponse:
    """Headers that keep a hostile image (or error) from acting as a page of this site."""
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, the CSP middleware leaves it alone.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- figures -------------------------------------------------------------------------

# A figure's bytes never change under its URL (it is named by their hash).
FIGURE_CACHE_SECONDS = 365 * 24 * 60 * 60
# An SVG may style itself; it may load nothing, run nothing, and is a sandboxed
# document when opened on its own. Embedded rasters arrive as data: URLs.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit.rate_limited(services.FIGURE_UPLOAD)
def figures(request):
    """The writer's figures: upload one (a plain form, or fetch from the editor, which
    asks for JSON) and copy the line that places each in a text."""
    if not request.user.is_authenticated:
        if wants_json(request):
            return JsonResponse(error_body("Sign in to upload figures."), status=403)
        return redirect_to_login(request.get_full_path())
    refusal = services.refusal(request.user)
    if request.method == "POST":
        return _upload(request, refusal)
    return _figures_page(request, FigureForm(), refusal)


def _upload(request, refusal: str | None):
    if refusal:
        return _upload_error(request, FigureForm(), refusal, status=403)
    form = FigureForm(request.POST, request.FILES)
    if not form.is_valid():
        message = next(iter(form.errors.values()))[0]
        return _upload_error(request, form, message, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > settings.FIGURE_MAX_BYTES:
        message = images.too_big_message(upload.size, settings.FIGURE_MAX_BYTES)
        form.add_error("file", message)
        return _upload_error(request, form, message, status=413)
    try:
        figure = services.upload_figure(
            owner=request.user,
            data=upload.read(),
            description=form.cleaned_data["description"],
            original_name=upload.name or "",
        )
    except FigureError as exc:
        form.add_error("file", exc.message)
        return _upload_error(request, form, exc.message, status=exc.status)
    except PermissionDenied as exc:
        return _upload_error(request, form, str(exc), status=403)
    if wants_json(request):
        return JsonResponse(
            {
                "url": figure.get_absolute_url(),
                "markdown": services.markdown_for(figure),
                "description": figure.description,
                "content_type": figure.content_type,
                "width": figure.width,
                "height": figure.height,
                "bytes": figure.bytes,
            },
            status=201,
        )
    return redirect(f"{reverse('media:figures')}?added={figure.pk}#figure-{figure.pk}")


def _upload_error(request, form, message: str, *, status: int):
    if wants_json(request):
        field = next((name for name, errors in form.errors.items() if message in errors), None)
        errors = [{"loc": [field], "msg": message, "type": "value_error"}] if field else []
        return JsonResponse(error_body(message, errors), status=status)
    if not form.errors:
        form.add_error(None, message)
    return _figures_page(request, form, services.refusal(request.user), status=status)


def _figures_page(request, form, refusal: str | None, *, status: int = 200):
    owned = list(Figure.objects.filter(owner=request.user))
    added_pk = number(request.GET.get("added"))
    added = next((f for f in owned if f.pk == added_pk and not f.is_removed), None)
    for figure in owned:
        figure.markdown = services.markdown_for(figure)
    response = render(
        request,
        "media/figures.html",
        {
            "form": form,
            "refusal": refusal,
            "figures": owned,
            "added": added,
            "used": services.quota_used(request.user),
            "quota": settings.FIGURE_QUOTA_BYTES,
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def delete_figure(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("media:figures"))
    figure = get_object_or_404(Figure, pk=pk, owner=request.user)
    try:
        services.delete_figure(figure, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Figure deleted. Texts that placed it show its description instead; "
            "remove it from them too.",
        )
    return redirect("media:figures")


@require_safe
def figure(request, sha256, extension):
    """A figure's bytes, with headers that keep them an image whatever they hold.

    Reads neither the session nor the user: figures are public once placed in a text,
    and their answers may be kept by any cache (``docs/deploy.md`` has nginx or the
    object store serve them instead).
    """
    found = services.figure_to_serve(sha256, extension)
    if found is None:
        return _missing_figure()
    try:
        handle = default_storage.open(found.file_name, "rb")
    except (FileNotFoundError, OSError):
        return _missing_figure()
    response = FileResponse(handle, content_type=found.content_type)
    response["Cache-Control"] = f"public, max-age={FIGURE_CACHE_SECONDS}, immutable"
    response["Content-Disposition"] = f'inline; filename="{sha256}.{extension}"'
    response = _sealed(response)
    if found.content_type == "image/svg+xml":
        response["Content-Security-Policy"] = SVG_POLICY
    return response


def _missing_figure() -> HttpResponse:
    response = HttpResponse(
        "No such figure: it was deleted or removed, or never uploaded.",
        content_type="text/plain; charset=utf-8",
        status=404,
    )
    response["Cache-Control"] = "public, max-age=300"
    return _sealed(response)
