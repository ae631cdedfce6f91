"""What the rule-set app needs from the app above it, given to it at start-up.

Impact previews replay the stored recommendations under a draft; recommendations belong to
``placement``, which this app never imports (the import contracts check it). The placement
app's ``AppConfig.ready()`` supplies them here."""

from __future__ import annotations

from typing import Any, Protocol


class StoredProfiles(Protocol):
    def __call__(self, *, all_programs: bool, program_ids: list[int], edition: str | None) -> Any:
        """The latest recommendation of every assessment in scope, as a query of
        (program id, ratings, flags) rows in a stable order (``.count()`` works on it)."""


_provided: dict[str, Any] = {}


def provide(*, stored_profiles: StoredProfiles) -> None:
    _provided["stored_profiles"] = stored_profiles


def stored_profiles(*, all_programs: bool, program_ids: list[int], edition: str | None) -> Any:
    try:
        source = _provided["stored_profiles"]
    except KeyError:
        raise RuntimeError(
            "No app provides the rule sets' stored profiles; is placement installed?"
        ) from None
    return source(all_programs=all_programs, program_ids=program_ids, edition=edition)
