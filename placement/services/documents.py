"""The PDF of a signed placement. WeasyPrint renders our own template; its URL fetcher serves
only our static files, so a document can never read local files or call out."""

from __future__ import annotations

import functools
import hashlib
import mimetypes

from django.contrib.staticfiles import finders
from django.db import transaction
from django.template.loader import render_to_string

from placement.models import Placement, PlacementDocument
from placement.selectors import placement_context

STATIC_SCHEME = "stepwise-static:"


@functools.cache
def _fetcher_class():
    # WeasyPrint takes half a second to import: only processes that render PDFs pay for it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Resolves ``stepwise-static:<path>`` to a file found by the staticfiles finders
        and refuses every other URL (file:, http:, data: ...)."""

        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_SCHEME):
                raise ValueError(f"blocked: {url.split(':', 1)[0]} URLs are not fetched")
            relative = url.removeprefix(STATIC_SCHEME).lstrip("/")
            if ".." in relative.split("/"):
                raise ValueError("blocked: path traversal")
            path = finders.find(relative)
            if not path:
                raise ValueError("not a static file")
            with open(path, "rb") as fh:
                body = fh.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnlyFetcher


def StaticOnlyFetcher():
    return _fetcher_class()()


def render_html_pdf(html: str) -> bytes:
    # WeasyPrint is slow to import and only rendering a PDF needs it.
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_placement_pdf(placement: Placement) -> bytes:

    return render_html_pdf(render_to_string("pdf/placement.html", placement_context(placement)))


@transaction.atomic
def placement_render_pdf(placement: Placement) -> PlacementDocument:
    """Idempotent: the stored document is returned if it exists."""
    existing = PlacementDocument.objects.filter(placement=placement).first()
    if existing is not None:
        return existing
    pdf = render_placement_pdf(placement)
    return PlacementDocument.objects.create(
        placement=placement, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()
    )
