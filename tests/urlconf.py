"""Walk the URLconf: every URL pattern the project serves, with its name and a concrete path.

Used by the login-required test and the authorization table, which fail when a URL appears
that they do not list."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    template: str  # "patients/<int:pk>/"
    converters: tuple[tuple[str, str], ...]  # (kwarg, converter)

    def path(self, **kwargs) -> str:
        def fill(match):
            kwarg, conv = match.group("name"), match.group("conv") or "str"
            if kwarg in kwargs:
                return str(kwargs[kwarg])
            return "999999" if conv == "int" else "x"

        return "/" + _CONVERTER.sub(fill, self.template)


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        route = str(p.pattern)
        if route.startswith("^"):
            route = route.lstrip("^").rstrip("$").replace("\\", "")
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns == "admin":
                continue  # Django admin has its own permission checks; tested separately
            full_ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else ns
            yield from _walk(p.url_patterns, prefix + route, full_ns)
        elif isinstance(p, URLPattern):
            if not p.name:
                continue
            template = prefix + route
            name = f"{namespace}:{p.name}" if namespace else p.name
            converters = tuple(
                (m.group("name"), m.group("conv") or "str") for m in _CONVERTER.finditer(template)
            )
            yield Route(name=name, template=template, converters=converters)


def project_routes() -> list[Route]:
    """Every named route of the project outside Django admin."""
    seen = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda r: r.name)
