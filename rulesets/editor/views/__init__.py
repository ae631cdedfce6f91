"""Rule-set pages under /rules/: the release notes of a version (every member of staff), and
the rule administrators' editor - decision tables in plain words, inline row editing with a
condition builder, catalogs, test cases, verification, compare, publish, spreadsheets.
Everything that records something is a POST; a published or retired version is refused on
the server, whatever the page showed.

One module per group of pages; the URLconf reaches them through this package."""

from .catalogs import catalog, dimension_edit, level_edit, question_edit
from .files import compare, export, impact, impact_job, import_job, import_view
from .rows import (
    publish,
    rule_delete,
    rule_edit,
    rule_move,
    rule_new,
    test_case_remove,
    test_cases,
    verify,
)
from .sets import changes, clone, make_variant, release_notes, rule_sets, version

__all__ = [
    "catalog",
    "changes",
    "clone",
    "compare",
    "dimension_edit",
    "export",
    "impact",
    "impact_job",
    "import_job",
    "import_view",
    "level_edit",
    "make_variant",
    "publish",
    "question_edit",
    "release_notes",
    "rule_delete",
    "rule_edit",
    "rule_move",
    "rule_new",
    "rule_sets",
    "test_case_remove",
    "test_cases",
    "verify",
    "version",
]
