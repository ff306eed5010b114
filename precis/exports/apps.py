from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """A person's own data out (JSON, Markdown zip, CSV) and back in; BibTeX downloads."""

    name = "precis.exports"
    label = "exports"
