from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CoreConfig(AppConfig):
    """Site-wide pages (home, about, random) and the shared templates and static files."""

    name = "precis.core"
    label = "core"

    def ready(self):
        from django_tasks.signals import task_finished

        from . import checks  # noqa: F401 - registers the system checks
        from .generations import advance_after_task, advance_after_write

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(advance_after_write, dispatch_uid="generation-after-write")
        task_finished.connect(advance_after_task, dispatch_uid="generation-task")

        # CSRF tokens drawn in one read of the system's random source (lib/randomstrings).
        from django.middleware import csrf

        from precis.lib.randomstrings import random_string

        csrf.get_random_string = random_string
