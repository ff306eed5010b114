"""Unsubscribe links that need no login, for every e-mail the site sends (RFC 8058).

Each kind of e-mail has its own ``UnsubscribeLink``: a view and a salt. Its tokens
are signed with that salt, so a token made for one kind is refused by every other
kind's view; they name the user (and what else the kind needs) and never expire, so
the link in an old e-mail still works. Following a link (GET) shows a page that
asks; a POST, from that page's button or from a mail client's one click, acts.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from precis.core.siteurl import absolute

NOT_VALID = "This unsubscribe link is not valid."


@dataclass(frozen=True)
class UnsubscribeLink:
    url_name: str
    salt: str

    def token(self, **data) -> str:
        return signing.dumps(data, salt=self.salt)

    def url(self, token: str) -> str:
        """The absolute link for an e-mail (on SITE_URL when sent by a task)."""
        return absolute(reverse(self.url_name, args=[token]))

    def view(
        self,
        *,
        ask_template: str,
        done_template: str,
        context: Callable[[dict], dict],
        apply: Callable[[dict], object],
    ):
        """The view behind ``url_name``. ``context(data)`` gives both pages' context
        from the token's data, raising Http404 when its user is gone; ``apply(data)``
        turns the e-mail off."""

        # Token-authenticated: mail clients post here without a session or CSRF token.
        @csrf_exempt
        def unsubscribe(request, token):
            try:
                data = signing.loads(token, salt=self.salt)
            except signing.BadSignature:
                raise Http404(NOT_VALID) from None
            shown = context(data)
            if request.method == "POST":
                apply(data)
                return render(request, done_template, shown)
            return render(request, ask_template, {**shown, "token": token})

        return unsubscribe
