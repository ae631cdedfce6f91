"""The rule editor shows and edits the 4th edition's data types: need rules (a code's minimum),
determination steps in order, conditions on needs and on the result, the COE overlay."""

import pytest
from django.urls import reverse

from engine import evaluate
from rulesets.loader import engine_rule_set
from rulesets.models import Rule, RuleSet
from rulesets.services import rule_set_clone
from tests.rulesets.test_rule_editor import rule_post, url

pytestmark = pytest.mark.django_db
BASE = {"1A": "0", "1B": "0", "1C": "ANY", "2A": "0", "2B": "0", "3A": "2A", "3B": "0",
        "4A": "D", "4B": "0", "5A": "C", "5B": "0", "5C": "0"}  # fmt: skip


@pytest.fixture
def editor(client, rule_admin):
    client.force_login(rule_admin)
    return client


@pytest.fixture
def draft(rule_admin):
    published = RuleSet.objects.get(name="asam4-default", status="published")
    return rule_set_clone(rule_set=published, user=rule_admin)


def test_the_version_page_shows_needs_and_determination_as_sentences(editor):
    page = editor.get(
        url("version", RuleSet.objects.get(name="asam4-default", status="published"))
    ).content.decode()
    assert "Needs: each code asks for a minimum level" in page
    assert "Determination: tried in this order, the first that holds decides" in page
    assert "When 1B is 2: needs at least 2.7" in page
    assert (
        "When a need at 3.1 or 3.5 (any variant) and a need at 2.5 or 3.5 (any variant): "
        "the level is 3.5 (and the determination stops)"
    ) in page
    assert "When a need COE: treatment 3.1 becomes 3.5 COE" in page
    assert "Treatment level" not in page  # no placement-rule tables for this version


def test_a_determination_step_and_its_conditions_are_edited_in_the_form(editor, draft):
    page = editor.get(url("rule_edit", draft, "D-3-35"))
    form = page.context["conditions"].forms[0]
    assert form.initial["kind"] == "need" and form.initial["need_bases"] == ["3.1", "3.5"]
    # Make step 3 ask only for a 3.5 need beside the residential one.
    response = rule_post(editor, draft, "D-3-35", **{"cond-1-need_bases": ["3.5"]}, level="3.5")
    assert response.status_code in (200, 302), (
        response.context["form"].errors,
        [f.errors for f in response.context["conditions"].forms],
    )
    rule = Rule.objects.get(rule_set=draft, rule_id="D-3-35")
    second = rule.conditions.order_by("order")[1]
    assert second.kind == "need" and second.value == {"bases": ["3.5"]}
    rs = engine_rule_set(RuleSet.objects.get(pk=draft.pk))
    # The decided open question now comes out 3.1 + COE -> 3.5 COE by the overlay instead.
    assert evaluate(rs, BASE, {}).level == "3.5 COE"


def test_a_need_rule_is_added_with_a_level_and_a_modifier(editor, draft):
    data = {
        "rule_id": "N-5B-EVAL", "text": "Safety unclear: evaluate.", "note": "",
        "level": "", "modifier": "EVAL",
        "cond-TOTAL_FORMS": "1", "cond-INITIAL_FORMS": "0", "cond-MIN_NUM_FORMS": "0",
        "cond-MAX_NUM_FORMS": "30",
        "cond-0-kind": "rating", "cond-0-dimension": "5B", "cond-0-low": "A", "cond-0-high": "A",
    }  # fmt: skip
    response = editor.post(reverse("rules:rule_new", args=[draft.name, draft.version, "need"]),
                           data)  # fmt: skip
    assert response.status_code in (200, 302), response.content.decode()[:800]
    rs = engine_rule_set(RuleSet.objects.get(pk=draft.pk))
    assert "EVAL" in evaluate(rs, {**BASE, "5B": "A"}, {}).modifiers


def test_a_need_rule_needs_a_level_or_a_modifier(editor, draft):
    data = {
        "rule_id": "N-EMPTY", "text": "Nothing.", "note": "", "level": "", "modifier": "",
        "cond-TOTAL_FORMS": "0", "cond-INITIAL_FORMS": "0", "cond-MIN_NUM_FORMS": "0",
        "cond-MAX_NUM_FORMS": "30",
    }  # fmt: skip
    response = editor.post(reverse("rules:rule_new", args=[draft.name, draft.version, "need"]),
                           data)  # fmt: skip
    assert response.status_code == 400
    assert "A need asks for a level, a modifier, or both." in response.content.decode()
    assert not Rule.objects.filter(rule_set=draft, rule_id="N-EMPTY").exists()
