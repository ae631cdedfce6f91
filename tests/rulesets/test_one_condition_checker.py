"""One checker for conditions (engine.check_condition): the rule editor's condition builder
and the spreadsheet reader refuse the same condition in the same words."""

import io

import openpyxl
import pytest

from engine import RuleSetError
from rulesets.models import RuleSet
from rulesets.rows import rule_set_to_data
from rulesets.services import rule_set_clone
from rulesets.spreadsheet import data_from_workbook, workbook_bytes
from tests.rulesets.test_rule_editor import rule_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]

RULE = "R-D5-CRAVING-MODERATE"  # when craving_0_10 is between 4 and 6 (a 0-10 question)


@pytest.fixture
def draft(rule_admin):
    published = RuleSet.objects.get(name="asam3-default", status="published")
    return rule_set_clone(rule_set=published, user=rule_admin)


@pytest.fixture
def editor(client, rule_admin):
    client.force_login(rule_admin)
    return client


def spreadsheet_message(value: str) -> str:
    rs = RuleSet.objects.get(name="asam3-default", status="published")
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(rule_set_to_data(rs))))
    ws = wb["Conditions"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Rule ID")].value == RULE:
            row[header.index("Value")].value = value
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(RuleSetError) as refused:
        data_from_workbook(out.getvalue())
    [message] = [p for p in refused.value.problems if "column 'Value'" in p]
    return message


def editor_message(editor, draft, value: str) -> str:
    response = rule_post(editor, draft, RULE, **{"cond-0-op": "between", "cond-0-value": value})
    assert response.status_code == 400
    [message] = response.context["conditions"].forms[0].errors["value"]
    return message


@pytest.mark.parametrize(
    "value, words",
    [
        ("6-4", "The range 6-4 is inverted"),
        ("4-11", "11 is outside 0-10, the question's range"),
        ("four-6", "'four' is not a whole number"),
        ("4", "Write the range as low-high, for example 10-18"),
    ],
)
def test_the_editor_and_the_spreadsheet_refuse_a_condition_in_the_same_words(
    editor, draft, value, words
):
    assert editor_message(editor, draft, value) == words + "."
    assert spreadsheet_message(value).endswith(f"column 'Value': {words}.")
