"""A working day in real Chromium: the queue on a phone, counts that follow a claim, rule IDs
one switch away, the wizard's short tabs and in-place substance rows, validation responses
swapped without console errors, and the audit log searched by a patient's name."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.helpers import seed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(username):
    return get_user_model().objects.get(username=username)


def _console_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_the_queue_on_a_phone_claims_in_place_and_keeps_its_counts(page, live_server):
    from intake.models import Patient
    from placement.services.reviews import review_claim, review_return
    from tests.factories import make_submitted

    seed()
    clinician = _user("clinician")
    waiting = make_submitted(clinician, Patient.objects.get(mrn="R-1002"))
    returned = make_submitted(clinician, Patient.objects.get(mrn="R-1001"))
    review_claim(placement_id=returned.pk, user=_user("supervisor"))
    review_return(placement_id=returned.pk, user=_user("supervisor"), comment="Check D5.")
    errors = _console_errors(page)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "supervisor", next_path="/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    # The filters fold away behind one button.
    expect(page.get_by_label("Program")).to_be_hidden()
    page.get_by_role("button", name="Filters").click()
    expect(page.get_by_label("Program")).to_be_visible()
    page.get_by_role("button", name="Filters").click()
    expect(page.get_by_label("Program")).to_be_hidden()
    # One card per placement, its values labelled, the Claim button on screen.
    row = page.locator(f"#queue-row-{waiting.pk}")
    expect(row).to_contain_text("Sample, Avery")
    expect(row).to_contain_text("2.1 Intensive Outpatient")
    claim = row.get_by_role("button", name=re.compile("^Claim"))
    box = claim.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    counts = page.get_by_role("navigation", name="Lists of placements")
    expect(counts.get_by_role("link", name=re.compile("^In review"))).to_contain_text("0")
    claim.click()
    expect(row).to_contain_text("In review by Sam Supervisor")
    # The counts came with the row: no reload.
    expect(counts.get_by_role("link", name=re.compile("^In review"))).to_contain_text("1")
    expect(counts.get_by_role("link", name=re.compile("^Not yet claimed"))).to_contain_text("0")
    counts.get_by_role("link", name=re.compile("^Returned, awaiting the clinician")).click()
    expect(page.locator(f"#queue-row-{returned.pk}")).to_contain_text("Example, Jordan")
    expect(page.get_by_role("link", name=re.compile("^Returned")).first).to_have_attribute(
        "aria-current", "page"
    )
    assert errors == []


def test_an_empty_queue_points_to_the_returned_placements(page, live_server):
    from intake.models import Patient
    from placement.services.reviews import review_claim, review_return
    from tests.factories import make_submitted

    seed()
    returned = make_submitted(_user("clinician"), Patient.objects.get(mrn="R-1001"))
    review_claim(placement_id=returned.pk, user=_user("supervisor"))
    review_return(placement_id=returned.pk, user=_user("supervisor"), comment="Check D5.")
    sign_in(page, live_server, "supervisor", next_path="/review/")
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()
    page.get_by_role("link", name="1 returned placement awaiting the clinician").click()
    expect(page.locator(f"#queue-row-{returned.pk}")).to_be_visible()


def test_rule_ids_are_one_switch_away_and_the_switch_is_remembered(page, live_server):
    from intake.models import Patient
    from tests.factories import make_assessment

    seed()
    assessment = make_assessment(_user("clinician"), Patient.objects.get(mrn="R-1002"))
    sign_in(
        page, live_server, "clinician", next_path=f"/assessments/{assessment.pk}/recommendation/"
    )
    expect(page.get_by_text("Moderate withdrawal with support at home.")).to_be_visible()
    rule_set = page.get_by_text(re.compile(r"Rule set asam3-default@3"))
    expect(rule_set).to_be_hidden()
    page.get_by_role("button", name=re.compile("D1 Acute Intoxication")).click()
    expect(page.get_by_text(re.compile(r"rule R-D1-CIWA")).first).to_be_hidden()
    page.get_by_role("switch", name="Show rule IDs").check()
    expect(rule_set).to_be_visible()
    expect(page.get_by_text(re.compile(r"rule R-D1-CIWA")).first).to_be_visible()
    page.reload()
    expect(page.get_by_role("switch", name="Show rule IDs")).to_be_checked()
    expect(page.get_by_text(re.compile(r"Rule set asam3-default@3"))).to_be_visible()


def test_the_wizard_reads_in_short_names_and_adds_substances_in_place(page, live_server):
    seed()
    errors = _console_errors(page)
    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Example, Jordan").click()
    page.get_by_role("button", name="Start").click()
    steps = page.get_by_role("navigation", name="Assessment steps")
    for name in ("D1 Withdrawal", "D2 Biomedical", "D5 Relapse risk", "D6 Environment"):
        expect(steps.get_by_role("link", name=re.compile(name))).to_be_visible()
    page.evaluate("window.__stillHere = true")
    rows = page.locator(".substance-row:visible")
    before = rows.count()
    page.get_by_role("button", name="Add a substance").click()
    expect(rows).to_have_count(before + 1)
    assert page.evaluate("window.__stillHere === true")  # no page load
    new_row = rows.last
    expect(new_row.get_by_label("Delete")).to_have_count(0)  # nothing saved to delete
    expect(new_row.get_by_role("combobox").first).to_be_focused()
    new_row.get_by_role("button", name="Remove this row").click()
    expect(rows).to_have_count(before)
    # The profile so far is on every step.
    steps.get_by_role("link", name=re.compile("D2 Biomedical")).click()
    strip = page.get_by_role("group", name="Ratings so far")
    expect(strip).to_contain_text("D1 Withdrawal")
    expect(strip).to_contain_text("not yet")
    assert errors == []


def test_a_validation_response_is_swapped_without_a_console_error(page, live_server):
    from rulesets.models import RuleSet
    from rulesets.services.workflow import rule_set_clone

    seed()
    rule_set_clone(
        rule_set=RuleSet.objects.get(name="asam3-default", status="published"),
        user=_user("ruleadmin"),
    )
    errors = _console_errors(page)
    sign_in(page, live_server, "ruleadmin", next_path="/rules/asam3-default/4/")
    page.locator("#rule-T-D2-4").get_by_role("link", name="Edit T-D2-4").click()
    form = page.get_by_role("form", name="Edit T-D2-4")
    form.get_by_label("Description, in plain words").fill("")
    with page.expect_response(re.compile(r"/rules/T-D2-4/$")) as answer:
        form.get_by_role("button", name="Save").click()
    assert answer.value.status == 200  # the form with its errors is the swap's content
    form = page.get_by_role("form", name="Edit T-D2-4")
    expect(form.get_by_text("This field is required.")).to_be_visible()
    assert errors == []


@pytest.mark.usefixtures("in_process_tasks")
def test_the_audit_log_finds_a_patient_by_name_and_exports_the_entries(page, live_server):
    seed()
    sign_in(page, live_server, "clinician")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Sample, Avery").click()
    page.context.clear_cookies()
    sign_in(page, live_server, "admin", next_path="/audit/")
    page.get_by_label("Patient").fill("Avery Sample")
    page.get_by_label("Username").fill("clinician")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row").filter(has_text="Viewed the patient").first
    expect(row).to_contain_text("Avery Sample")
    expect(row).to_contain_text("R-1002")
    expect(page.get_by_text(re.compile(r"Times are in America/New_York"))).to_be_visible()
    page.get_by_label("From").fill("2026-02-01")
    page.get_by_label("To").fill("2026-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("The end date is before the start date")).to_be_visible()
    page.get_by_label("From").fill("")
    page.get_by_label("To").fill("")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name="Export these entries (CSV)").click()
    expect(page.get_by_role("link", name="Download the CSV")).to_be_visible(timeout=15000)


def test_search_buttons_line_up_with_their_inputs(page, live_server):
    seed()
    sign_in(page, live_server, "clinician", next_path="/patients/")
    field = page.get_by_label("Search patients").bounding_box()
    button = page.get_by_role("button", name="Search").bounding_box()
    assert abs((field["y"] + field["height"]) - (button["y"] + button["height"])) <= 2
    page.goto(live_server.url + "/")
    home = page.get_by_label("Find a patient")
    # The placeholder fits inside the field.
    fits = home.evaluate(
        """el => { const c = document.createElement('canvas').getContext('2d');
            const s = getComputedStyle(el); c.font = s.font;
            const pad = parseFloat(s.paddingLeft) + parseFloat(s.paddingRight);
            return c.measureText(el.placeholder).width + pad <= el.clientWidth; }"""
    )
    assert fits
