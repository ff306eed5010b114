"""Static files storage: WhiteNoise's, tolerant of npm assets that are not installed.

Files that ``make install`` fetches from npm (the math font) are served from
``node_modules`` under the ``vendor/`` prefix (``settings.STATICFILES_DIRS``),
and ``site.css`` refers to them. Where ``npm ci`` was skipped they are absent;
Django's manifest storage would then fail ``collectstatic`` on the CSS
reference. Here such a reference is left as written instead, with a warning,
so the site still deploys and browsers fall back to the reader's own fonts.
Anything else that is missing still fails, as it should.
"""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)

OPTIONAL_PREFIX = "vendor/"


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is not None or not str(name).lstrip("/").startswith(OPTIONAL_PREFIX):
                raise
            logger.warning(
                "%s is not installed (run `make install`, which runs `npm ci`); "
                "left unhashed, so browsers fall back to their own files.",
                name,
            )
            return name
