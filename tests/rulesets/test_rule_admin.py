"""Django admin's rule tables: a superuser's read-only view, one link from the rule editor,
which is the one place where rule sets change."""

import pytest
from django.urls import reverse

from rulesets.models import Rule, RuleSet, RuleSetStatus
from rulesets.services import rule_set_clone
from tests.admin_forms import admin_post_data

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
    assert client.get(reverse("admin:rulesets_ruleset_changelist")).status_code == 403
    assert (
        client.get(reverse("rules:version", args=[published.name, published.version])).status_code
        == 200
    )


@pytest.fixture
def draft(published, rule_admin):
    return rule_set_clone(rule_set=published, user=rule_admin)


def change_url(rs):
    return reverse("admin:rulesets_ruleset_change", args=[rs.pk])


def test_rule_admin_sees_rule_sets_with_the_licensing_note(admin_client, published):
    response = admin_client.get(reverse("admin:rulesets_ruleset_changelist"))
    assert response.status_code == 200
    assert b"asam3-default" in response.content
    assert b"starting configuration" in response.content
    assert b"Read-only. Rule sets are edited" in response.content
    assert b'href="/rules/"' in response.content


def test_rule_admin_sees_no_tables_in_admin(client, rule_admin):
    client.force_login(rule_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200 and response.context["app_list"] == []


def test_clinicians_and_supervisors_cannot_open_admin(client, clinician_a, supervisor_a):
    for user in (clinician_a, supervisor_a):
        client.force_login(user)
        response = client.get(reverse("admin:rulesets_ruleset_changelist"), follow=True)
        assert response.status_code == 403


@pytest.mark.parametrize("which", ["published", "draft"])
def test_every_version_is_read_only_with_a_link_to_the_editor(
    admin_client, published, rule_admin, which
):
    rule_set = (
        published if which == "published" else rule_set_clone(rule_set=published, user=rule_admin)
    )
    response = admin_client.get(change_url(rule_set))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in page and 'name="dimensions-0-code"' not in page
    assert f'href="/rules/{rule_set.name}/{rule_set.version}/"' in page
    assert "T-D5-3" in page  # the rows are there to read
    data = admin_post_data(response)
    data["notes"] = "changed in admin"
    assert admin_client.post(change_url(rule_set), data).status_code == 403
    rule_set.refresh_from_db()
    assert rule_set.notes != "changed in admin"


def test_a_rules_conditions_are_shown_and_cannot_be_changed(admin_client, draft):
    rule = draft.rules.get(rule_id="T-RELAPSE-ENV")
    url = reverse("admin:rulesets_rule_change", args=[rule.pk])
    response = admin_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and 'name="_save"' not in page
    assert f'href="/rules/{draft.name}/{draft.version}/rules/T-RELAPSE-ENV/"' in page
    before = list(rule.conditions.values_list("low", "high"))
    data = admin_post_data(response)
    assert admin_client.post(url, data).status_code == 403
    assert list(rule.conditions.values_list("low", "high")) == before


def test_nothing_is_added_or_deleted_through_admin(admin_client, draft):
    assert admin_client.get(reverse("admin:rulesets_ruleset_add")).status_code == 403
    delete = reverse("admin:rulesets_ruleset_delete", args=[draft.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    rule = draft.rules.first()
    assert (
        admin_client.post(
            reverse("admin:rulesets_rule_delete", args=[rule.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert RuleSet.objects.filter(pk=draft.pk).exists() and Rule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize("action", ["clone", "verify", "publish", "impact"])
def test_admin_has_no_second_workflow(admin_client, draft, action):
    """Clone, verify, publish and impact live in the rule editor only."""
    before = (RuleSet.objects.count(), draft.status, draft.verified_at)
    admin_client.post(f"/admin/rulesets/ruleset/{draft.pk}/{action}/")
    draft.refresh_from_db()
    assert (RuleSet.objects.count(), draft.status, draft.verified_at) == before


def test_a_draft_revert_in_history_is_refused_too(admin_client, draft):
    rule = draft.rules.get(rule_id="T-D5-3")
    rule.text = "edited in the editor"
    rule.save()
    history = rule.history.order_by("history_date").first()
    url = reverse("admin:rulesets_rule_simple_history", args=[rule.pk, history.history_id])
    response = admin_client.post(url, {"rule_id": "T-D5-3", "text": "reverted"}, follow=True)
    assert "nothing was changed" in response.content.decode()
    rule.refresh_from_db()
    assert rule.text == "edited in the editor"
