"""The demo's public data dump, written last, so that /data/ lists files on a fresh demo."""

from django.conf import settings

from precis.exports import dumps


def load() -> str | None:
    """Write a dump of the demo into PUBLIC_DUMP_DIR; its name (None if one is being written)."""
    try:
        return dumps.write_dump(settings.PUBLIC_DUMP_DIR, keep=settings.PUBLIC_DUMP_KEEP).name
    except dumps.DumpBusy:
        return None
