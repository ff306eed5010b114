import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precis.settings")
application = get_wsgi_application()

from precis.core.checks import refuse_to_serve_without_a_strong_secret_key  # noqa: E402 - needs settings

refuse_to_serve_without_a_strong_secret_key()

# What loading the site made (settings, apps, models, admin) lives as long as the
# process. Frozen, it is out of the garbage collector's sight: each full collection
# walked all of it, a fifteenth of a signed-in reader's cached page over time
# (bench/reader_profile.py). gunicorn_conf freezes what warming up adds.
gc.freeze()
