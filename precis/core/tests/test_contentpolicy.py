"""The Content-Security-Policy middleware (core/contentpolicy.py) answers exactly as
django-csp's own does, whatever the response and the settings."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, NONE, SELF
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from precis.core.contentpolicy import CSPMiddleware, has_own_policy, takes_the_site_policy


def plain(request):
    return HttpResponse("page")


def updated(request):
    response = HttpResponse("page")
    response._csp_update = {"img-src": ["https://images.example.org"]}
    return response


def exempt(request):
    response = HttpResponse("page")
    response._csp_exempt = True
    return response


def own_header(request):
    response = HttpResponse("figure")
    response[HEADER] = "default-src 'none'; sandbox"
    return response


def with_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def not_found(request):
    return HttpResponse("gone", status=404)


def shared(view):
    """``view``'s response marked as a shared reader copy is marked."""

    def marked(request):
        response = view(request)
        takes_the_site_policy(response)
        return response

    return marked


def headers_from(middleware_class, view, path="/"):
    request = RequestFactory().get(path)
    middleware = middleware_class(view)
    response = middleware(request)
    return {name: response.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}, request


VIEWS = [plain, updated, exempt, own_header, with_nonce, not_found]


@pytest.mark.parametrize("view", [*VIEWS, *map(shared, VIEWS)])
@pytest.mark.parametrize("debug", [False, True])
def test_it_answers_as_django_csp_does(view, debug, settings):
    settings.DEBUG = debug
    ours, _ = headers_from(CSPMiddleware, view)
    theirs, _ = headers_from(DjangoCSPMiddleware, view)
    assert ours == theirs


def test_a_policy_with_a_nonce_gets_each_responses_own(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    ours, request = headers_from(CSPMiddleware, shared(with_nonce))
    assert f"script-src 'self' 'nonce-{request._csp_nonce}'" in ours[HEADER]
    assert headers_from(CSPMiddleware, shared(with_nonce))[0] != ours


def test_the_sites_policy_reaches_shared_copies():
    headers, _ = headers_from(CSPMiddleware, shared(plain))
    assert "default-src 'self'" in headers[HEADER]
    assert "frame-ancestors 'none'" in headers[HEADER]
    assert headers[HEADER_REPORT_ONLY] is None


def test_a_changed_policy_is_sent_at_once_with_the_report_only_one(settings):
    headers_from(CSPMiddleware, shared(plain))  # the site's policy, built
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [NONE]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF]}}
    ours, _ = headers_from(CSPMiddleware, shared(plain))
    assert ours == {HEADER: "default-src 'none'", HEADER_REPORT_ONLY: "default-src 'self'"}
    assert ours == headers_from(DjangoCSPMiddleware, plain)[0]


def test_excluded_prefixes_are_left_to_django_csp(settings):
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/feeds/"],
        "DIRECTIVES": {"default-src": [SELF]},
    }
    assert headers_from(CSPMiddleware, shared(plain), "/feeds/x.atom")[0][HEADER] is None
    assert headers_from(CSPMiddleware, shared(plain), "/")[0][HEADER] == "default-src 'self'"


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    _, request = headers_from(CSPMiddleware, shared(plain))
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


@pytest.mark.parametrize("view", [updated, exempt, with_nonce])
def test_a_page_with_a_policy_of_its_own_is_never_shared(view):
    request = RequestFactory().get("/")
    DjangoCSPMiddleware(view).process_request(request)
    response = view(request)
    assert has_own_policy(request, response)
    assert not has_own_policy(RequestFactory().get("/"), plain(request))
