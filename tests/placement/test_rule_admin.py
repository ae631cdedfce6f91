"""The rule-set admin, as a rule administrator uses it."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placement.models import RuleSet, RuleSetStatus
from placement.services import rule_set_clone
from tests.admin_forms import admin_post_data, inline_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return RuleSet.objects.get(name="asam3-default", status=RuleSetStatus.PUBLISHED)


@pytest.fixture
def admin_client(client, superuser):
    """Django admin's rule-set pages are a superuser's raw view (rule administrators use the
    rule editor)."""
    client.force_login(superuser)
    return client


def test_rule_administrators_use_the_editor_not_admin(client, rule_admin, published):
    client.force_login(rule_admin)
    assert client.get(reverse("admin:placement_ruleset_changelist")).status_code == 403
    assert (
        client.get(reverse("rules:version", args=[published.name, published.version])).status_code
        == 200
    )


@pytest.fixture
def draft(published, rule_admin):
    return rule_set_clone(rule_set=published, user=rule_admin)


def change_url(rs):
    return reverse("admin:placement_ruleset_change", args=[rs.pk])


def test_rule_admin_sees_rule_sets_with_the_licensing_note(admin_client, published):
    response = admin_client.get(reverse("admin:placement_ruleset_changelist"))
    assert response.status_code == 200
    assert b"asam3-default" in response.content
    assert b"starting configuration" in response.content


def test_rule_admin_sees_no_tables_in_admin(client, rule_admin):
    client.force_login(rule_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200 and response.context["app_list"] == []


def test_clinicians_and_supervisors_cannot_open_admin(client, clinician_a, supervisor_a):
    for user in (clinician_a, supervisor_a):
        client.force_login(user)
        response = client.get(reverse("admin:placement_ruleset_changelist"), follow=True)
        assert response.status_code == 403


def test_published_set_is_read_only(admin_client, published):
    response = admin_client.get(change_url(published))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert b"Clone into a new draft" in response.content
    data = admin_post_data(response)
    assert admin_client.post(change_url(published), data).status_code == 403


def test_clone_from_admin_opens_the_new_draft(admin_client, published):
    response = admin_client.post(reverse("admin:placement_ruleset_clone", args=[published.pk]))
    draft = RuleSet.objects.get(status="draft")
    assert draft.version == published.version + 1
    assert response["Location"] == change_url(draft)
    assert draft.status == "draft" and draft.rules.count() == published.rules.count()


def test_editing_a_draft_rule_saves(admin_client, draft):
    data = admin_post_data(admin_client.get(change_url(draft)))
    i = inline_index(data, "rules", "rule_id", "T-D6-3")
    data[f"rules-{i}-level"] = "3.5"
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 302, response.context and [
        f.errors for fs in response.context["inline_admin_formsets"] for f in fs.formset.forms
    ]
    assert draft.rules.get(rule_id="T-D6-3").level == "3.5"


def test_unknown_level_in_a_draft_rule_gets_a_clear_error(admin_client, draft):
    data = admin_post_data(admin_client.get(change_url(draft)))
    i = inline_index(data, "rules", "rule_id", "T-D6-3")
    data[f"rules-{i}-level"] = "2.7"
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert b"Unknown level &#x27;2.7&#x27; on the treatment track." in response.content
    assert draft.rules.get(rule_id="T-D6-3").level == "3.1"


def test_duplicate_rule_ids_get_a_clear_error(admin_client, draft):
    data = admin_post_data(admin_client.get(change_url(draft)))
    i = inline_index(data, "rules", "rule_id", "T-D6-3")
    data[f"rules-{i}-rule_id"] = "T-D6-4"
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert b"The rule ID T-D6-4 is already used in this rule set." in response.content


def test_a_level_referenced_by_rules_is_checked_against_the_levels_being_edited(
    admin_client, draft
):
    data = admin_post_data(admin_client.get(change_url(draft)))
    i = inline_index(data, "levels", "code", "2.5")
    data[f"levels-{i}-code"] = "2.6"  # rename a level that rules still ask for
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert b"Unknown level &#x27;2.5&#x27; on the treatment track." in response.content


def test_inverted_range_in_a_condition_gets_a_clear_error(admin_client, draft):
    rule = draft.rules.get(rule_id="T-RELAPSE-ENV")
    url = reverse("admin:placement_rule_change", args=[rule.pk])
    data = admin_post_data(admin_client.get(url))
    data["conditions-0-low"], data["conditions-0-high"] = "4", "3"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert b"The range 4-3 is inverted" in response.content


def test_condition_with_unknown_dimension_gets_a_clear_error(admin_client, draft):
    rule = draft.rules.get(rule_id="T-D2-2")
    url = reverse("admin:placement_rule_change", args=[rule.pk])
    data = admin_post_data(admin_client.get(url))
    data["conditions-0-dimension"] = "D9"
    response = admin_client.post(url, data)
    assert b"Unknown dimension &#x27;D9&#x27;." in response.content


def test_verify_page_names_a_counterexample_and_publish_refuses(admin_client, draft):
    rule = draft.rules.get(rule_id="T-D2-4")
    rule.level = "2.1"
    rule.save()
    response = admin_client.post(reverse("admin:placement_ruleset_verify", args=[draft.pk]))
    assert b"Verification failed" in response.content
    assert b"Raising D2 from 3 to 4 lowers the treatment level from 3.7 to 2.1" in response.content
    response = admin_client.post(
        reverse("admin:placement_ruleset_publish", args=[draft.pk]), follow=True
    )
    assert b"not verified" in response.content
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_verify_then_publish_from_admin(admin_client, draft, published):
    response = admin_client.post(reverse("admin:placement_ruleset_verify", args=[draft.pk]))
    assert b"Verified: total and monotone" in response.content
    admin_client.post(reverse("admin:placement_ruleset_publish", args=[draft.pk]))
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == ("published", "retired")


def test_export_and_import_through_admin(admin_client, published):
    response = admin_client.get(
        reverse("admin:placement_ruleset_export", args=[published.pk]) + "?format=yaml"
    )
    assert response["Content-Disposition"] == 'attachment; filename="asam3-default-v3.yaml"'
    upload = SimpleUploadedFile("rules.yaml", response.content)
    response = admin_client.post(reverse("admin:placement_ruleset_import"), {"file": upload})
    imported = RuleSet.objects.get(name="asam3-default", version=4)
    assert response["Location"] == change_url(imported)
    data = yaml.safe_load(response.content or b"{}") or {}
    assert data == {}


def test_import_of_a_broken_file_shows_problems_and_creates_nothing(admin_client):
    upload = SimpleUploadedFile("rules.yaml", b"format: stepwise-rule-set/1\nrules: 5\n")
    before = RuleSet.objects.count()
    response = admin_client.post(reverse("admin:placement_ruleset_import"), {"file": upload})
    assert response.status_code == 200
    assert b"was not imported" in response.content
    assert RuleSet.objects.count() == before


def test_impact_preview_runs_and_reports(admin_client, draft):
    response = admin_client.post(
        reverse("admin:placement_ruleset_impact", args=[draft.pk]), follow=True
    )
    assert response.status_code == 200
    assert b"would be placed differently" in response.content
