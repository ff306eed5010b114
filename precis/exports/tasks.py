from pathlib import Path

from django.conf import settings
from django_tasks import task

from . import dumps


@task()
def refresh_public_dump(root: str | None = None, keep: int | None = None) -> str | None:
    """Write a new public data dump and prune old ones; the new folder's name.

    Safe to run twice at once (the dump folder's lock lets one run write; the other
    returns None at once) and to run again (each run writes the site as it is then).
    """
    try:
        path = dumps.write_dump(
            Path(root or settings.PUBLIC_DUMP_DIR),
            keep=settings.PUBLIC_DUMP_KEEP if keep is None else keep,
        )
    except dumps.DumpBusy:
        return None
    return path.name
