"""Typed, loud reads of configuration from the environment.

Every value may also come from a file named by ``NAME_FILE`` (for secrets mounted
by an orchestrator). A value that cannot be parsed is a hard error at start-up,
never a silent default.
"""

import ipaddress
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def raw(name: str) -> str | None:
    """The variable's text, from NAME or the file named by NAME_FILE, or None."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name)


def string(name: str, default: str = "") -> str:
    value = raw(name)
    return default if value is None else value


def boolean(name: str, default: bool) -> bool:
    value = raw(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false)")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}")
    return number


def words(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of IP addresses or networks ("10.0.0.0/8"), each checked."""
    items = words(name, default)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network (like 10.0.0.0/8)"
            ) from None
    return items
