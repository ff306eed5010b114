"""Django "hello world": the ceiling that bench/pages_bench.py measures Precis against.

One view returning a short text response, Django's own request handling and URL
resolution, no middleware and no database: what the framework costs on this
server before an application does anything. Served by the same gunicorn, with the
same worker settings, as Precis in the same run:

    .venv/bin/gunicorn --chdir bench hello:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="hello-world-bench-only",  # signs nothing
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)


def hello(request):
    return HttpResponse("Hello, world!", content_type="text/plain")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
