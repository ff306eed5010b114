"""The apps' URL lists (precis/urls.py) are in the order that makes the most read pages
quickest to find, which is safe only while no address matches patterns in two of them."""

import re

import pytest
from django.urls import Resolver404, get_resolver
from django.urls.resolvers import RoutePattern, URLResolver

# Sample values for each converter, chosen to collide with literal path segments.
SAMPLES = {
    "int": ["7"],
    "slug": ["abc", "7", "bibtex", "new", "findings"],
    "str": ["abc", "7", "x.atom", "bibtex", "new"],
    "path": ["a/b", "7", "1512.03385"],
}
CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")
# Addresses for the patterns written as regular expressions, by their name.
REGEX_SAMPLES = {"media:figure": ["figures/" + "0" * 64 + ".png"]}


def samples(route: str) -> list[str]:
    """``route`` with each of its converters replaced by each of their samples."""
    found = CONVERTER.search(route)
    if found is None:
        return [route]
    values = SAMPLES[found[1] or "str"]
    head, tail = route[: found.start()], route[found.end() :]
    return [head + value + rest for value in values for rest in samples(tail)]


def addresses(resolver, prefix="", namespace="") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry.pattern, RoutePattern):
            routes = samples(str(entry.pattern))
        else:
            routes = REGEX_SAMPLES[f"{namespace}:{entry.name}"]  # a new one needs samples
        for route in routes:
            if isinstance(entry, URLResolver):
                found += addresses(entry, prefix + route, entry.namespace or namespace)
            else:
                found.append(prefix + route)
    return found


def app_lists():
    return [
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and str(entry.pattern) == ""
    ]


@pytest.mark.parametrize("app", app_lists(), ids=lambda entry: str(entry.urlconf_name))
def test_no_address_of_an_app_matches_another_apps_patterns(app):
    others = [other for other in app_lists() if other is not app]
    for address in addresses(app, namespace=app.namespace):
        for other in others:
            with pytest.raises(Resolver404):
                other.resolve(address)
