import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precis.settings")
application = get_asgi_application()

from precis.core.checks import refuse_to_serve_without_a_strong_secret_key  # noqa: E402 - needs settings

refuse_to_serve_without_a_strong_secret_key()
