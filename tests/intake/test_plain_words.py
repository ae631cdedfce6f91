"""Clinicians read levels and reasons in words; rule IDs and the rule-set version are one
switch away, in the page but hidden until asked for."""

import io
import re

import pytest
from django.urls import reverse

from tests.factories import make_assessment, make_submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]

RULE_ID = re.compile(r"\b[RTMS]-D\d|\b[RTMS]-[A-Z]{2,}-|asam3-default@")
HIDDEN = re.compile(r'<span class="[^"]*\brule-id\b[^"]*">.*?</span>(?:\))?', re.S)


def visible_text(html: str) -> str:
    """What the page shows with the switch off: the rule-id spans taken out (they nest one
    level at most), then the tags."""
    body = html[html.index("<main") :]
    for _ in range(2):
        body = HIDDEN.sub("", body)
    return re.sub(r"<[^>]+>", " ", body)


def test_the_recommendation_reads_without_rule_ids_until_asked(client, clinician_a, patient_a):
    assessment = make_assessment(clinician_a, patient_a)
    client.force_login(clinician_a)
    html = client.get(reverse("placement:recommendation", args=[assessment.pk])).content.decode()
    assert 'id="show-rule-ids"' in html and ">Show rule IDs</label>" in html
    rec = assessment.recommendations.first()
    rule_ids = {r["rule"] for r in rec.reasons} | {r["rule"] for r in rec.rating_reasons}
    missing = sorted(rid for rid in rule_ids if f"rule {rid}" not in html)
    assert rule_ids and not missing  # there, for auditors
    text = visible_text(html)
    assert not RULE_ID.search(text), RULE_ID.search(text)
    assert "asks for 2.1" in text


def test_the_step_suggestion_keeps_rule_ids_behind_the_switch(client, clinician_a, patient_a):
    assessment = make_assessment(clinician_a, patient_a)
    client.force_login(clinician_a)
    html = client.get(
        reverse("intake:assessment_step", args=[assessment.pk, "D1"])
    ).content.decode()
    assert 'id="show-rule-ids"' in html
    assert 'class="text-body-secondary rule-id"> (rule R-D1' in html
    assert not RULE_ID.search(visible_text(html))


def test_placements_name_their_levels(client, clinician_a, patient_a):
    placement = make_submitted(clinician_a, patient_a)
    client.force_login(clinician_a)
    detail = client.get(
        reverse("portal:assessment_detail", args=[placement.assessment_id])
    ).content.decode()
    assert "Indicated 2.1 Intensive Outpatient, with withdrawal management 2-WM" in detail
    patient = client.get(reverse("portal:patient_detail", args=[patient_a.pk])).content.decode()
    assert "2.1 Intensive Outpatient" in patient and "with withdrawal management 2-WM" in patient


def test_one_formatter_names_every_level(client, clinician_a, patient_a):
    """A level reads "2.1 Intensive Outpatient" everywhere, a level without a number by its
    name alone, and a reason that already says what it asks for is not followed by it again."""
    assessment = make_assessment(clinician_a, patient_a)
    client.force_login(clinician_a)
    html = client.get(reverse("placement:recommendation", args=[assessment.pk])).content.decode()
    assert '<option value="none">No withdrawal management needed</option>' in html
    assert "none No withdrawal" not in html
    assert '<option value="2.1" selected>2.1 Intensive Outpatient</option>' in html
    text = visible_text(html)
    assert not re.search(r"asks for ([\w.-]+)\.? \(asks for \1", text)
    assert "(asks for 2.1 Intensive Outpatient)" in text


def test_ratings_are_explained_by_the_answers_given_never_the_scale_wording(
    client, clinician_a, patient_a, supervisor_a
):
    """A person who denied suicidal thoughts, D3 rated 2 for moderate symptoms: neither the
    recommendation nor the signed PDF says "thoughts of self-harm" or "thoughts of death"."""
    from pypdf import PdfReader

    from placement.services.documents import placement_render_pdf
    from placement.services.reviews import review_approve, review_claim

    placement = make_submitted(clinician_a, patient_a)
    client.force_login(clinician_a)
    html = client.get(
        reverse("placement:recommendation", args=[placement.assessment_id])
    ).content.decode()
    review_claim(placement_id=placement.pk, user=supervisor_a)
    review_approve(placement_id=placement.pk, user=supervisor_a)
    placement.refresh_from_db()
    document = placement_render_pdf(placement)
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(document.pdf)).pages)
    for text in (visible_text(html), " ".join(pdf.split())):
        assert "thoughts of self-harm" not in text and "thoughts of death" not in text
        assert "From the answers:" in text
