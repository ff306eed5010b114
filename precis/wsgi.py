import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precis.settings")
application = get_wsgi_application()

from precis.core.checks import refuse_to_serve_without_a_strong_secret_key  # noqa: E402 - needs settings

refuse_to_serve_without_a_strong_secret_key()
