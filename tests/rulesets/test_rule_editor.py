"""The rule editor (/rules/) for rule administrators: rows read as sentences, inline editing
with choices from the version's catalogs, a condition builder, test cases that gate publishing,
verification naming the rules at fault, compare, spreadsheets, and the same from the command
line. Published and retired versions are refused on the server."""

import io

import openpyxl
import pytest
import yaml
from django.urls import reverse

from rulesets.models import Condition, Rule, RuleSet, RuleTestCase
from rulesets.rows import rule_set_to_data
from rulesets.services import rule_set_clone
from tests.placement.test_commands import run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]


@pytest.fixture
def published():
    return RuleSet.objects.get(name="asam3-default", status="published")


@pytest.fixture
def draft(published, rule_admin):
    return rule_set_clone(rule_set=published, user=rule_admin)


@pytest.fixture
def editor(client, rule_admin):
    client.force_login(rule_admin)
    return client


def url(name, rs, *args):
    return reverse(f"rules:{name}", args=[rs.name, rs.version, *args])


def rule_post(editor, draft, rule_id, headers=None, **changes):
    """The edit form as the browser would post it, with ``changes`` applied."""
    page = editor.get(url("rule_edit", draft, rule_id))
    form, conditions = page.context["form"], page.context["conditions"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    data.update(
        {
            "cond-TOTAL_FORMS": str(len(conditions.forms)),
            "cond-INITIAL_FORMS": str(len(conditions.forms)),
            "cond-MIN_NUM_FORMS": "0",
            "cond-MAX_NUM_FORMS": "30",
        }
    )
    for i, c in enumerate(conditions.forms):
        for name in c.fields:
            value = c.initial.get(name)
            if value is None:
                continue
            data[f"cond-{i}-{name}"] = value
    data.update(changes)
    return editor.post(url("rule_edit", draft, rule_id), data, **(headers or {}))


def test_the_version_page_reads_as_sentences_by_track(editor, published):
    page = editor.get(url("version", published)).content.decode()
    assert "When D5 is 3 or more and D6 is 3 or more: treatment at least 3.5" in page
    assert (
        "When D1 is 2 and D6 is 1 or less and not low medical risk withdrawal: withdrawal at "
        "least 2-WM" in page
    )
    assert "When D1 is 2 and low medical risk withdrawal: withdrawal at least 1-WM" in page
    assert "When not imminent danger and no sud diagnosis" not in page  # flags as words
    assert "Substitutions (run in this order" in page and "Rating rules" in page


def test_filters_by_dimension_level_and_text(editor, published):
    page = editor.get(url("version", published), {"dimension": "D6", "level": "3.5"})
    ids = {r["id"] for t in page.context["tables"] for r in t["rows"]}
    assert ids == {"T-RELAPSE-ENV"}
    page = editor.get(url("version", published), {"text": "pregnan"})
    ids = {r["id"] for t in page.context["tables"] for r in t["rows"]}
    assert {"W-D1-PREGNANT", "R-D2-PREGNANT", "F-PREGNANT"} <= ids


def test_a_row_saves_through_choices_and_says_what_was_saved(editor, draft):
    response = rule_post(editor, draft, "T-D5-3", level="2.5")
    assert response.status_code == 302
    page = editor.get(response["Location"]).content.decode()
    assert "Saved T-D5-3: When D5 is 3: treatment at least 2.5." in page
    assert draft.rules.get(rule_id="T-D5-3").level == "2.5"


def test_inline_saving_returns_the_row_the_message_and_the_test_results(editor, draft):
    response = rule_post(editor, draft, "T-D5-3", headers={"HTTP_HX_REQUEST": "true"}, level="2.5")
    html = response.content.decode()
    assert html.lstrip().startswith('<tr id="rule-T-D5-3">')
    assert 'id="editor-status" hx-swap-oob="true"' in html and "Saved T-D5-3" in html
    assert 'id="test-results"' in html


def test_a_level_of_the_wrong_track_names_the_field(editor, draft):
    response = rule_post(editor, draft, "T-D5-3", level="3.2-WM")
    assert response.status_code == 400
    assert response.context["form"].errors["level"] == [
        "Level 3.2-WM is not on the treatment track."
    ]
    assert draft.rules.get(rule_id="T-D5-3").level == "2.1"


def test_the_condition_builder_adds_and_checks_conditions(editor, draft):
    response = rule_post(editor, draft, "T-D5-3", add_condition="1")
    conditions = response.context["conditions"]
    assert len(conditions.forms) == 2  # the rule's own, and a new empty one
    bad = rule_post(
        editor, draft, "T-D5-3",
        **{"cond-TOTAL_FORMS": "2", "cond-1-kind": "rating", "cond-1-dimension": "D6",
           "cond-1-low": "3", "cond-1-high": "1"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert bad.context["conditions"].forms[1].errors["high"] == [
        "The range 3-1 is inverted: the low end is above the high end."
    ]
    good = rule_post(
        editor, draft, "T-D5-3",
        **{"cond-TOTAL_FORMS": "3", "cond-1-kind": "flag", "cond-1-flag": "adolescent",
           "cond-1-flag_value": "off", "cond-1-group": "1",
           "cond-2-kind": "flag", "cond-2-flag": "pregnant", "cond-2-flag_value": "on",
           "cond-2-group": "1"},
    )  # fmt: skip
    assert good.status_code == 302
    rule = draft.rules.get(rule_id="T-D5-3")
    assert [(c.kind, c.any_group) for c in rule.conditions.order_by("order")] == [
        ("rating", None), ("flag", 1), ("flag", 1),
    ]  # fmt: skip
    page = editor.get(url("version", draft)).content.decode()
    assert "When D5 is 3 and (not adolescent or pregnant): treatment at least 2.1" in page


def test_answer_comparisons_are_checked_against_the_question(editor, draft):
    base = {"cond-0-kind": "answer", "cond-0-question": "housing", "cond-0-op": "eq"}
    response = rule_post(editor, draft, "R-D6-HOMELESS", **base, **{"cond-0-value": "castle"})
    assert response.status_code == 400
    assert response.context["conditions"].forms[0].errors["value"] == [
        "'castle' is not one of: Stable, Unstable or temporary, Homeless."
    ]
    response = rule_post(editor, draft, "R-D6-HOMELESS", **base, **{"cond-0-value": "Homeless"})
    assert response.status_code == 302  # a label is accepted and stored as its value
    cond = Condition.objects.get(rule__rule_set=draft, rule__rule_id="R-D6-HOMELESS")
    assert cond.value == "homeless"
    response = rule_post(
        editor, draft, "R-D1-CIWA-MODERATE",
        **{"cond-0-op": "between", "cond-0-value": "18-10"},
    )  # fmt: skip
    assert "The range 18-10 is inverted." in str(response.context["conditions"].forms[0].errors)


def test_a_new_rule_and_a_duplicate_id(editor, draft):
    data = {"rule_id": "T-D5-3", "track": "treatment", "level": "2.5", "text": "x",
            "cond-TOTAL_FORMS": "0", "cond-INITIAL_FORMS": "0"}  # fmt: skip
    response = editor.post(url("rule_new", draft, "placement"), data)
    assert response.context["form"].errors["rule_id"] == [
        "The rule ID T-D5-3 is already used in this version."
    ]
    data["rule_id"] = "T-NEW"
    assert editor.post(url("rule_new", draft, "placement"), data).status_code == 302
    assert draft.rules.get(rule_id="T-NEW").level == "2.5"


def test_substitutions_move_up_and_down(editor, draft):
    def order():
        return list(
            draft.rules.filter(kind="substitution")
            .order_by("order", "id")
            .values_list("rule_id", flat=True)
        )

    assert order() == ["S-NO-DIAGNOSIS", "S-POPULATION"]
    editor.post(url("rule_move", draft, "S-POPULATION"), {"direction": "up"})
    assert order() == ["S-POPULATION", "S-NO-DIAGNOSIS"]


@pytest.mark.parametrize(
    ("method", "name", "args", "data"),
    [
        ("post", "rule_edit", ["T-D5-3"], {"rule_id": "T-D5-3", "level": "4"}),
        ("post", "rule_new", ["placement"], {}),
        ("post", "rule_delete", ["T-D5-3"], {}),
        ("post", "rule_move", ["S-POPULATION"], {"direction": "up"}),
        ("post", "tests", [], {"name": "x"}),
        ("post", "level_edit", ["2.1"], {"name": "x"}),
        ("post", "dimension_edit", ["D1"], {"name": "x"}),
        ("post", "question_edit", ["housing"], {"label": "x"}),
    ],
)
def test_published_versions_are_refused_on_the_server(editor, published, method, name, args, data):
    before = yaml.safe_dump(rule_set_to_data(published))
    response = getattr(editor, method)(url(name, published, *args), data)
    assert response.status_code == 403
    assert yaml.safe_dump(rule_set_to_data(published)) == before


def test_a_failing_test_case_blocks_publishing_until_fixed(
    editor, draft, rule_admin, network_admin
):
    from rulesets.services import rule_set_publish, rule_set_verify
    from rulesets.services.workflow import RuleSetWorkflowError

    data = {"name": "Continuous use despite treatment alone", "source": "ratings",
            "expect_level": "3.7", **{f"r_D{i}": "0" for i in range(1, 7)},
            "r_D5": "4"}  # fmt: skip
    response = editor.post(url("tests", draft), data)
    assert response.status_code == 302
    page = editor.get(response["Location"]).content.decode()
    assert (
        "Added the test case &#x27;Continuous use despite treatment alone&#x27;: it fails." in page
    )
    assert "treatment level is 3.5, expected 3.7" in page
    rule_set_verify(rule_set=draft, user=rule_admin)
    with pytest.raises(RuleSetWorkflowError, match="1 test case"):
        rule_set_publish(rule_set=draft, user=network_admin)
    rule_post(editor, draft, "T-D5-4", level="3.7")
    rule_set_verify(rule_set=draft, user=rule_admin)
    rule_set_publish(rule_set=draft, user=network_admin)
    draft.refresh_from_db()
    assert draft.status == "published"


def test_verify_names_and_links_the_rules_at_fault_and_groups_counterexamples(editor, draft):
    rule_post(editor, draft, "T-D2-4", level="2.1")
    page = editor.post(url("verify", draft))
    html = page.content.decode()
    assert "Verification failed" in html
    assert f'href="{url("rule_edit", draft, "T-D2-4")}"' in html
    assert f'href="{url("rule_edit", draft, "T-D2-3")}"' in html
    groups = page.context["report"].groups
    assert all(g.example.rules for g in groups)
    assert any(g.count > 1 and "D1" in g.varies for g in groups)
    assert "which these rules do not read" in html


def test_compare_shows_old_and_new_sentences_and_the_impact(editor, draft, published):
    rule_post(editor, draft, "T-D5-3", level="2.5")
    page = editor.get(reverse("rules:compare", args=[draft.name]),
                      {"a": published.version, "b": draft.version})  # fmt: skip
    html = page.content.decode()
    assert "When D5 is 3: treatment at least 2.1" in html
    assert "When D5 is 3: treatment at least 2.5" in html
    assert "1 changed" in html
    assert page.context["impact"]["cases"] == 0


def test_spreadsheet_export_import_export_keeps_every_cell(editor, published, rule_admin):
    import openpyxl

    first = editor.get(url("export", published, "xlsx"))
    assert first["Content-Disposition"] == 'attachment; filename="asam3-default-v3.xlsx"'
    wb = openpyxl.load_workbook(io.BytesIO(first.content))
    assert wb.sheetnames[:4] == ["About", "Dimensions", "Levels", "Flags"]
    assert [c.value for c in wb["Conditions"][1]][:3] == [
        "Rule ID",
        "Alternatives group",
        "Condition",
    ]
    assert wb["Levels"].data_validations.dataValidation  # choices as validation lists
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("rules.xlsx", first.content)
    response = editor.post(reverse("rules:import"), {"file": upload})
    imported = RuleSet.objects.get(status="draft")
    assert response["Location"] == url("version", imported)
    again = editor.get(url("export", imported, "xlsx"))

    def cells(raw):
        book = openpyxl.load_workbook(io.BytesIO(raw))
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}

    assert cells(again.content) == cells(first.content)
    assert imported.ruletestcases.count() == published.ruletestcases.count()


def test_spreadsheet_errors_name_the_sheet_row_and_column(editor, published):
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    book = openpyxl.load_workbook(io.BytesIO(editor.get(url("export", published, "xlsx")).content))
    book["Treatment rules"]["B3"] = "9.9"
    rating_row = next(
        n
        for n, row in enumerate(book["Conditions"].iter_rows(values_only=True), 1)
        if row[2] == "rating"
    )
    book["Conditions"][f"E{rating_row}"] = "seven"
    book["Levels"]["C4"] = "third"
    out = io.BytesIO()
    book.save(out)
    before = RuleSet.objects.count()
    response = editor.post(
        reverse("rules:import"), {"file": SimpleUploadedFile("x.xlsx", out.getvalue())}
    )
    problems = response.context["problems"]
    assert (
        "Sheet 'Treatment rules', row 3, column 'At least level': '9.9' is not a level of the "
        "Levels sheet." in problems
    )
    assert (
        "Sheet 'Levels', row 4, column 'Order on the track': 'third' is not a whole number."
        in problems
    )
    assert any(
        p.startswith(f"Sheet 'Conditions', row {rating_row}, column 'From'") for p in problems
    ), problems
    assert RuleSet.objects.count() == before


def test_the_command_line_exports_and_imports(tmp_path, published):
    path = tmp_path / "rules.xlsx"
    code, _, _ = run("rules_export", "asam3-default@2", "--format", "xlsx", "-o", str(path))
    assert code == 0 and path.stat().st_size > 1000
    code, out, _ = run("rules_import", str(path))
    assert code == 0
    name, version = out.split()
    assert RuleSet.objects.get(name=name, version=int(version)).status == "draft"
    for fmt in ("yaml", "json"):
        target = tmp_path / f"rules.{fmt}"
        assert run("rules_export", "asam3-default@2", "--format", fmt, "-o", str(target))[0] == 0
        assert "tests:" in target.read_text() or '"tests"' in target.read_text()


def test_a_bad_file_on_the_command_line_exits_2_naming_sheet_row_and_column(
    tmp_path, published, editor
):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(editor.get(url("export", published, "xlsx")).content))
    book["Modifier rules"]["B2"] = "NOPE"
    path = tmp_path / "bad.xlsx"
    book.save(path)
    before = RuleSet.objects.count()
    code, out, err = run("rules_import", str(path))
    assert code == 2 and out == ""
    assert "Sheet 'Modifier rules', row 2, column 'Adds modifier': 'NOPE' is not a modifier" in err
    assert RuleSet.objects.count() == before


def test_the_command_line_refuses_yaml_aliases(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text("format: &f stepwise-rule-set/1\nname: *f\n")
    code, _, err = run("rules_import", str(path))
    assert code == 2 and "anchors (&f) are not accepted" in err


def test_test_cases_travel_with_export_and_import(published, rule_admin):
    from rulesets.services import rule_set_export, rule_set_import

    text = rule_set_export(rule_set=published)
    assert len(yaml.safe_load(text)["tests"]) == published.ruletestcases.count() > 0
    imported = rule_set_import(text=text, user=rule_admin)
    assert imported.ruletestcases.count() == published.ruletestcases.count()


def test_history_shows_who_changed_a_rule(editor, draft, rule_admin):
    rule_post(editor, draft, "T-D5-3", level="2.5")
    page = editor.get(url("rule_edit", draft, "T-D5-3")).content.decode()
    assert "History of this rule" in page
    assert "changed by" in page and (rule_admin.get_full_name() or "rule_admin") in page


def test_catalog_edits_say_what_was_saved(editor, draft):
    response = editor.post(
        url("level_edit", draft, "2.1"),
        {"name": "Intensive Outpatient", "review_days": "21", "hours_adult": "9+",
         "setting": "Evenings.", "suits": "People who work.", "intensity": "4"},
    )  # fmt: skip
    assert response.status_code == 302
    assert draft.levels.get(code="2.1").review_days == 21
    response = editor.post(
        url("question_edit", draft, "housing"),
        {"label": "Housing", "step": "D6", "order": "70", "required": "on",
         "choices": "stable | Stable\nunstable | Unstable"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "The rules still test the value(s) homeless" in response.content.decode()


def test_every_editor_page_refuses_clinicians(client, clinician_a, published):
    client.force_login(clinician_a)
    for name in ("version", "tests", "catalog", "verify"):
        assert client.get(url(name, published)).status_code == 403
    assert client.get(reverse("rules:list")).status_code == 403
    assert RuleTestCase.objects.exists() and Rule.objects.exists()


@pytest.mark.parametrize(
    ("rule_id", "sentence"),
    [
        (
            "F-LOW-RISK-WITHDRAWAL",
            "includes none of Alcohol, Benzodiazepines or other sedatives: sets low medical "
            "risk withdrawal",
        ),
        (
            "W-D1-2-SUPPORTED",
            "When D1 is 2 and D6 is 1 or less and not low medical risk withdrawal: withdrawal "
            "at least 2-WM",
        ),
    ],
)
def test_set_comparisons_and_negated_flags_are_shown_and_saved_by_the_editor(
    editor, draft, rule_id, sentence
):
    from rulesets.rows import rule_set_to_data

    before = next(r for r in rule_set_to_data(draft)["rules"] if r["id"] == rule_id)
    page = editor.get(url("rule_edit", draft, rule_id)).content.decode()
    assert 'value="includes_none" selected' in page or 'value="off" selected' in page
    response = rule_post(editor, draft, rule_id)  # saved as shown, nothing changed
    assert response.status_code == 302
    after = next(r for r in rule_set_to_data(draft)["rules"] if r["id"] == rule_id)
    assert after == before
    assert sentence in editor.get(url("version", draft)).content.decode()


def test_an_includes_comparison_on_a_one_of_a_list_question_is_refused(editor, draft):
    response = rule_post(
        editor, draft, "R-D6-HOMELESS", **{"cond-0-op": "includes_any", "cond-0-value": "homeless"}
    )
    assert response.status_code == 400
    assert "compares a several-of-a-list question" in response.content.decode()


def test_a_rule_that_does_what_another_does_is_flagged_with_a_link(editor, draft):
    """Same track, conditions and level as T-RELAPSE-ENV under another ID: saved, with a
    warning that links to the rule it repeats; a different rule gets no warning."""
    page = editor.get(url("rule_edit", draft, "T-RELAPSE-ENV"))
    form, conditions = page.context["form"], page.context["conditions"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"cond-TOTAL_FORMS": str(len(conditions.forms)), "cond-INITIAL_FORMS": "0"})
    # the same conditions in the other order: still the same rule
    for i, c in enumerate(reversed(conditions.forms)):
        data.update({f"cond-{i}-{k}": v for k, v in c.initial.items() if v is not None})
    data["rule_id"] = "T-COPY"
    response = editor.post(url("rule_new", draft, "placement"), data, follow=True)
    text = response.content.decode()
    assert draft.rules.filter(rule_id="T-COPY").exists()
    assert "T-COPY does exactly what" in text
    assert f'href="{url("version", draft)}#rule-T-RELAPSE-ENV">T-RELAPSE-ENV</a>' in text

    data.update({"rule_id": "T-OTHER", "level": "3.7"})
    response = editor.post(url("rule_new", draft, "placement"), data, follow=True)
    assert "does exactly what" not in response.content.decode()


def test_verification_and_compare_speak_plainly_and_lead_on(editor, draft, published):
    page = editor.post(url("verify", draft)).content.decode()
    assert "Verified: every profile gets a level, and a worse rating never lowers it" in page
    assert "groups that the rules treat alike" in page
    assert "classes" not in page and "monotone" not in page and "total and" not in page
    compare = editor.get(
        reverse("rules:compare", args=[draft.name]), {"a": published.version, "b": draft.version}
    ).content.decode()
    assert f'href="{url("publish", draft)}"' in compare  # compare leads on to publish
    changes = editor.get(url("changes", draft)).content.decode()
    assert f"Not published yet: it would replace version {published.version}." in changes
    assert "It replaced version" not in changes
    edit = editor.get(url("rule_edit", draft, "T-RELAPSE-ENV")).content.decode()
    assert "Either-of group" in edit and "Alternatives group" not in edit


def test_release_notes_are_written_on_the_drafts_page_and_keep_it_verified(
    editor, draft, rule_admin
):
    from rulesets.services import rule_set_is_verified, rule_set_verify

    rule_set_verify(rule_set=draft, user=rule_admin)
    page = editor.get(url("version", draft)).content.decode()
    assert 'name="release_notes"' in page and "Release notes" in page
    response = editor.post(
        url("release_notes", draft), {"release_notes": "  Raises D6 3 to 3.5 (state rule 12).\n"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#release-notes")
    draft.refresh_from_db()
    assert draft.release_notes == "Raises D6 3 to 3.5 (state rule 12)."
    assert rule_set_is_verified(rule_set=draft)  # notes decide nothing
    changes = editor.get(url("changes", draft)).content.decode()
    assert "Raises D6 3 to 3.5 (state rule 12)." in changes
    too_long = editor.post(
        url("release_notes", draft), {"release_notes": "x" * 20_001}, follow=True
    )
    assert "at most 20,000" in too_long.content.decode()
    draft.refresh_from_db()
    assert draft.release_notes == "Raises D6 3 to 3.5 (state rule 12)."


def test_a_published_versions_release_notes_cannot_be_changed(editor, published):
    response = editor.post(url("release_notes", published), {"release_notes": "rewritten"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.release_notes != "rewritten"


def test_a_new_rules_id_may_be_left_blank_and_is_made_from_track_and_conditions(editor, draft):
    page = editor.get(url("rule_edit", draft, "T-RELAPSE-ENV"))
    form, conditions = page.context["form"], page.context["conditions"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"cond-TOTAL_FORMS": str(len(conditions.forms)), "cond-INITIAL_FORMS": "0"})
    for i, c in enumerate(conditions.forms):
        data.update({f"cond-{i}-{k}": v for k, v in c.initial.items() if v is not None})
    data.update({"rule_id": "", "level": "3.7"})
    new_page = editor.get(url("rule_new", draft, "placement")).content.decode()
    assert "Leave blank and one is made from the track and the conditions" in new_page
    response = editor.post(url("rule_new", draft, "placement"), data, follow=True)
    assert draft.rules.filter(rule_id="T-D5-D6-3.7").exists()
    assert "Saved T-D5-D6-3.7" in response.content.decode()
    editor.post(url("rule_new", draft, "placement"), {**data, "level": "3.7"})
    assert draft.rules.filter(rule_id="T-D5-D6-3.7-2").exists()  # unique in the version
    edit = editor.get(url("rule_edit", draft, "T-D5-D6-3.7")).context["form"]
    assert edit.fields["rule_id"].required  # an existing rule keeps an ID


def test_a_test_case_can_expect_at_least_a_level_and_keeps_it_in_a_spreadsheet(
    editor, draft, rule_admin
):
    from rulesets.services.imports import rule_set_import_file

    data = {"name": "Severe relapse risk needs residential or more", "source": "ratings",
            "expect_compare": "at least", "expect_level": "3.1",
            **{f"r_D{i}": "0" for i in range(1, 7)}, "r_D5": "4"}  # fmt: skip
    response = editor.post(url("tests", draft), data)
    page = editor.get(response["Location"]).content.decode()
    assert "it passes" in page and "at least 3.1" in page  # 3.5 is at least 3.1
    assert draft.ruletestcases.get(name=data["name"]).expect_compare == "at least"
    xlsx = editor.get(url("export", draft, "xlsx")).content
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    header = [c.value for c in wb["Tests"][1]]
    row = next(r for r in wb["Tests"].iter_rows(values_only=True) if r[0] == data["name"])
    assert row[header.index("Expected level is")] == "at least"
    copy = rule_set_import_file(user=rule_admin, file_name="copy.xlsx", raw=xlsx)
    assert copy.ruletestcases.get(name=data["name"]).expect_compare == "at least"
    assert copy.ruletestcases.exclude(name=data["name"]).filter(expect_compare="exact").exists()
