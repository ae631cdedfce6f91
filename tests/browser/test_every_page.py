"""Every page type, as each role sees it, at a desktop width and a phone width: axe-core finds
no critical or serious violation, nothing scrolls sideways, and no id is used twice."""

import pytest
from django.contrib.auth import get_user_model

from tests.browser.axe import violations
from tests.browser.helpers import seed, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# Ids used by more than one element (axe does not report these): a label pointing at a
# duplicated id sends the person into another element, often of another form.
DUPLICATE_IDS = """() => {
  const seen = new Set(), twice = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    (seen.has(el.id) ? twice : seen).add(el.id);
  }
  return [...twice];
}"""


def _records():
    """A draft, a submitted placement claimed by the supervisor, a returned one, a signed one."""
    from intake.models import Patient
    from placement.services.reviews import review_approve, review_claim, review_return
    from rulesets.models import RuleSet
    from rulesets.services.workflow import rule_set_clone
    from tests.factories import make_assessment, make_submitted

    users = get_user_model().objects
    clinician, supervisor = users.get(username="clinician"), users.get(username="supervisor")
    draft = make_assessment(clinician, Patient.objects.get(mrn="R-1001"))
    claimed = make_submitted(clinician, Patient.objects.get(mrn="R-1002"))
    review_claim(placement_id=claimed.pk, user=supervisor)
    returned = make_submitted(clinician, Patient.objects.get(mrn="R-1001"))
    review_claim(placement_id=returned.pk, user=supervisor)
    review_return(placement_id=returned.pk, user=supervisor, comment="Please check D5.")
    signed = make_submitted(clinician, Patient.objects.get(mrn="R-1003"))
    review_claim(placement_id=signed.pk, user=supervisor)
    review_approve(placement_id=signed.pk, user=supervisor)
    published = RuleSet.objects.get(name="asam3-default", status="published")
    rule_set_clone(rule_set=published, user=users.get(username="ruleadmin"))
    # The 4th edition (Lakeside): a finished draft, and a placement submitted for review.
    from placement.services.recommendations import placement_submit
    from tests.factories import make_fourth_assessment

    clinician4 = users.get(username="clinician4")
    quinn = Patient.objects.get(mrn="L-3001")
    fourth = make_fourth_assessment(clinician4, quinn)
    submitted4 = make_fourth_assessment(clinician4, quinn, kind="continued_stay")
    level = submitted4.recommendations.first().level
    fourth_placement = placement_submit(
        assessment=submitted4, user=clinician4, decision={"provided_level": level}
    )
    return {
        "draft": draft,
        "claimed": claimed,
        "signed": signed,
        "published": published,
        "fourth": fourth,
        "fourth_placement": fourth_placement,
    }


def _pages(r) -> dict[str, list[str]]:
    a, c, s = r["draft"], r["claimed"], r["signed"]
    p = c.assessment.patient
    name, v = r["published"].name, r["published"].version
    draft_v = f"/rules/{name}/{v + 1}/"
    return {
        "clinician": [
            "/",
            "/patients/",
            "/patients/new/",
            f"/patients/{p.pk}/",
            f"/patients/{p.pk}/consents/",
            f"/patients/{p.pk}/disclosures/",
            f"/assessments/{a.pk}/steps/substances/",
            f"/assessments/{a.pk}/steps/D1/",
            f"/assessments/{a.pk}/steps/summary/",
            f"/assessments/{a.pk}/recommendation/",
            f"/assessments/{a.pk}/handout/",
            f"/assessments/{c.assessment_id}/",
            f"/placements/{s.pk}/disclose/",
            "/accounts/security/",
        ],
        "supervisor": [
            "/",
            "/review/",
            "/review/?status=returned",
            "/review/?status=signed",
            f"/review/{c.pk}/",
            f"/review/{s.pk}/",
        ],
        "ruleadmin": [
            "/",
            "/rules/",
            f"/rules/{name}/{v}/",
            f"/rules/{name}/{v}/changes/",
            draft_v,
            f"{draft_v}rules/T-D2-4/",
            f"{draft_v}tests/",
            f"{draft_v}verify/",
            f"{draft_v}catalog/",
            f"{draft_v}publish/",
            f"/rules/{name}/compare/?a={v}&b={v + 1}",
            "/rules/import/",
        ],
        "clinician4": [
            f"/patients/{r['fourth'].patient_id}/",
            f"/assessments/{r['fourth'].pk}/steps/substances/",
            f"/assessments/{r['fourth'].pk}/steps/1/",
            f"/assessments/{r['fourth'].pk}/steps/3/",
            f"/assessments/{r['fourth'].pk}/steps/6/",
            f"/assessments/{r['fourth'].pk}/steps/summary/",
            f"/assessments/{r['fourth'].pk}/recommendation/",
            f"/assessments/{r['fourth'].pk}/handout/",
            f"/assessments/{r['fourth_placement'].assessment_id}/",
        ],
        "supervisor4": ["/review/", f"/review/{r['fourth_placement'].pk}/"],
        "ruleadmin4": [
            "/rules/",
            "/rules/asam4-default/3/",
            "/rules/asam4-default/3/catalog/",
            "/rules/asam4-default/3/rules/D-3-35/",
        ],
        "admin": ["/", "/audit/"],
    }


@pytest.mark.parametrize("width", [1280, 768, 390])
def test_every_page_is_accessible_and_fits(page, live_server, width):
    seed()
    pages = _pages(_records())
    page.set_viewport_size({"width": width, "height": 900})
    problems = []

    def check(path):
        page.goto(live_server.url + path)
        assert page.url.startswith(live_server.url + path.split("?")[0]), (path, page.url)
        found = violations(page)
        if found:
            problems.append((path, [(v["id"], v["nodes"]) for v in found]))
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            problems.append((path, f"{overflow} px wider than the screen"))
        twice = page.evaluate(DUPLICATE_IDS)
        if twice:
            problems.append((path, f"ids used more than once: {', '.join(twice)}"))

    check("/accounts/login/")
    for username, paths in pages.items():
        sign_in(page, live_server, username)
        for path in paths:
            check(path)
        sign_out(page)
    assert not problems, "\n".join(map(str, problems))
