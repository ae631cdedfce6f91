"""A corpus of XSS payloads stored in every free-text field renders inert in HTML pages and in
PDFs; pages carry a strict Content-Security-Policy with nonces."""

import datetime
import html
import re
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from intake.models import Consent
from placement.services.reviews import review_approve, review_claim, review_return
from tests.factories import MODERATE_ANSWERS, PatientFactory, make_submitted
from tests.security.xss_payloads import XSS_PAYLOADS

pytestmark = pytest.mark.django_db


def test_the_corpus_has_at_least_50_payloads():
    assert len(set(XSS_PAYLOADS)) >= 50


def store_everywhere(payload, clinician, supervisor, program, i):
    """The payload in every free-text field a person can type into."""
    from intake.services import assessment_save_step

    patient = PatientFactory(
        program=program, given_name=payload[:80], family_name=f"X{i}", mrn=f"M{i}-{payload[:20]}",
        preferred_language=payload[:40], date_of_birth=datetime.date(1980, 1, 1),
    )  # fmt: skip
    first = make_submitted(
        clinician, patient,
        decision={"provided_level": "1", "provided_withdrawal_level": "2-WM",
                  "discrepancy_reason": "other", "discrepancy_text": payload,
                  "clinician_note": payload},
    )  # fmt: skip
    review_claim(placement_id=first.pk, user=supervisor)
    review_return(placement_id=first.pk, user=supervisor, comment=payload)
    a = first.assessment
    a.refresh_from_db()
    for step, answers in MODERATE_ANSWERS.items():
        a = assessment_save_step(
            user=clinician, assessment_id=a.pk, version=a.version, step=step, answers=answers,
            notes=payload, rating=None if step == "substances" else 0,
            justification=payload,
        )  # fmt: skip
    from placement.services.recommendations import placement_submit, recommendation_compute

    recommendation_compute(assessment=a, user=clinician)
    second = placement_submit(
        assessment=a, user=clinician,
        decision={"provided_level": "1", "provided_withdrawal_level": "none",
                  "discrepancy_reason": "other", "discrepancy_text": payload,
                  "clinician_note": payload},
    )  # fmt: skip
    review_claim(placement_id=second.pk, user=supervisor)
    review_approve(placement_id=second.pk, user=supervisor, comment=payload)
    Consent.objects.create(
        patient=patient, recipient=payload[:200], purpose=payload[:300], scope="placement",
        signed_on=datetime.date.today(), expires_on=datetime.date.today() + datetime.timedelta(9),
        created_by=clinician,
    )  # fmt: skip
    return patient, a, second


class ActiveContent(HTMLParser):
    """Collects markup that could run or load something: event-handler attributes,
    javascript: URLs, and tags Stepwise never emits."""

    FOREIGN = {"iframe", "object", "embed", "base", "svg", "math", "marquee", "isindex", "x",
               "audio", "video", "template", "noscript", "frame", "applet"}  # fmt: skip

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in self.FOREIGN:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if value and value.strip().lower().startswith(("javascript:", "data:text/html")):
                self.found.append(f"{tag}[{name}={value[:30]}]")
        if (
            tag == "script"
            and not dict(attrs).get("src")
            and dict(attrs).get("type") != ("application/json")
        ):
            self.found.append("inline script")


def active_content(text: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(text)
    return parser.found


def pages_for(patient, assessment, placement):
    return [
        reverse("intake:patient_list") + f"?q=X{patient.family_name[1:]}",
        reverse("portal:patient_detail", args=[patient.pk]),
        reverse("portal:assessment_detail", args=[assessment.pk]),
        reverse("placement:recommendation", args=[assessment.pk]),
        reverse("placement:handout", args=[assessment.pk]),
        reverse("intake:consents", args=[patient.pk]),
        reverse("intake:disclosures", args=[patient.pk]),
        reverse("placement:review_detail", args=[placement.pk]),
    ]


def test_payloads_in_every_free_text_field_render_inert_in_html(
    clinician_a, supervisor_a, program_a
):
    clinician, supervisor = Client(), Client()
    clinician.force_login(clinician_a)
    supervisor.force_login(supervisor_a)
    for i, payload in enumerate(XSS_PAYLOADS):
        patient, assessment, placement = store_everywhere(
            payload, clinician_a, supervisor_a, program_a, i
        )
        for url in pages_for(patient, assessment, placement):
            body = supervisor.get(url) if "review" in url else clinician.get(url)
            assert body.status_code == 200, url
            text = body.content.decode()
            assert payload not in text or html.escape(payload) == payload, (url, payload)
            assert html.escape(payload)[:40] in text or "&#x27;" in text, (url, payload)
            assert active_content(text) == [], (url, payload)
    home = clinician.get(reverse("home")).content.decode()
    assert active_content(home) == []
    for payload in XSS_PAYLOADS:
        if "<" in payload:
            assert payload not in home


def test_payloads_render_as_text_in_the_pdf(clinician_a, supervisor_a, program_a):
    from placement.services.documents import render_placement_pdf

    joined = " | ".join(XSS_PAYLOADS)[:4900]
    _, _, placement = store_everywhere(joined, clinician_a, supervisor_a, program_a, 0)
    text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(BytesIO(render_placement_pdf(placement))).pages
        ).split()
    )
    # The markup survives as literal characters: it was never parsed as HTML.
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "42 CFR part 2" in text


def test_pages_carry_a_strict_csp_with_nonces_and_no_inline_script(client, clinician_a):
    client.force_login(clinician_a)
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts
    for attrs, body in scripts:
        if 'type="application/json"' in attrs:
            continue  # data, not code
        assert f'nonce="{nonce}"' in attrs and "src=" in attrs and not body.strip()
    assert ' onclick="' not in page and " onload=" not in page
    assert '"allowEval":false' in page and '"historyCacheSize":0' in page
