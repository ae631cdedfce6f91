"""N1: one program's rule administrator must not publish the rules every program uses. Publishing
a set that a program outside the publisher's own uses needs the network rule administrator
role; the publish page names the programs whose rules change; the refusal is on the server."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.groups import NETWORK_GROUP
from accounts.roles import Role
from intake.services import current_rule_set
from rulesets.models import RuleSet
from rulesets.services import (
    RuleSetPublishRefused,
    rule_set_clone,
    rule_set_publish,
    rule_set_verify,
)
from tests.conftest import CSRFClient
from tests.factories import PatientFactory, UserFactory, make_assessment, member

pytestmark = pytest.mark.django_db


def verified_draft(user, name="asam3-default"):
    published = RuleSet.objects.get(name=name, status="published")
    draft = rule_set_clone(rule_set=published, user=user)
    problems, report = rule_set_verify(rule_set=draft, user=user)
    assert problems == [] and report.ok
    return draft


def signed_in(user):
    client = CSRFClient()
    client.force_login(user)
    return client


def test_second_programs_administrator_cannot_publish_the_shared_default(
    program_a, program_b, clinician_b
):
    admin_b = member(Role.RULE_ADMIN, program_b, username="admin_b")
    draft = verified_draft(admin_b)
    client = signed_in(admin_b)
    url = reverse("rules:publish", args=[draft.name, draft.version])

    page = client.get(url).content.decode()
    assert "Publishing changes the rules for: <strong>Program A, Program B</strong>" in page
    assert "Only a network rule administrator may publish it" in page
    assert f"Publish {draft.label}</button>" not in page

    client.post(url)  # the button is hidden; the server refuses the POST all the same
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert current_rule_set(program_a).version == 3  # Program A's next assessment: unchanged
    assert current_rule_set(program_b).version == 3
    follow = client.get(url).content.decode()
    assert "asam3-default is the network default" in follow


def test_the_refusal_is_in_the_service_every_publish_path_calls(program_a, program_b, rule_admin):
    draft = verified_draft(rule_admin)
    with pytest.raises(RuleSetPublishRefused, match="Only a network rule administrator"):
        rule_set_publish(rule_set=draft, user=rule_admin)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_network_rule_administrator_publishes_the_default(program_a, program_b):
    network = UserFactory(username="network_admin")
    network.groups.add(Group.objects.get(name=NETWORK_GROUP))
    draft = verified_draft(network)
    client = signed_in(network)
    url = reverse("rules:publish", args=[draft.name, draft.version])
    assert "Program A, Program B" in client.get(url).content.decode()
    client.post(url)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert current_rule_set(program_b).version == draft.version


def test_an_administrator_publishes_a_variant_only_their_own_programs_use(
    program_a, program_b, rule_admin
):
    from rulesets.services import rule_set_make_variant

    default = RuleSet.objects.get(name="asam3-default", status="published")
    variant = rule_set_make_variant(
        rule_set=default, user=rule_admin, name="asam3-program-a", programs=[program_a]
    )
    rule_set_verify(rule_set=variant, user=rule_admin)
    page = signed_in(rule_admin).get(reverse("rules:publish", args=[variant.name, 1]))
    assert "Publishing changes the rules for: <strong>Program A</strong>" in page.content.decode()
    rule_set_publish(rule_set=variant, user=rule_admin)
    assert current_rule_set(program_a).label == "asam3-program-a@1"
    assert current_rule_set(program_b).label == "asam3-default@3"


def test_even_a_default_only_their_programs_use_needs_the_network_role(
    program_a, program_b, rule_admin
):
    program_b.edition = "4"
    program_b.save()
    draft = verified_draft(rule_admin)
    with pytest.raises(RuleSetPublishRefused, match="network default"):
        rule_set_publish(rule_set=draft, user=rule_admin)


def test_an_open_draft_in_another_program_counts_as_using_the_set(
    program_a, program_b, rule_admin, clinician_b
):
    from rulesets.scope import programs_using_rule_set

    make_assessment(clinician_b, PatientFactory(program=program_b))  # not submitted: a draft
    program_b.edition = "4"
    program_b.save()
    using = [p.name for p in programs_using_rule_set(name="asam3-default")]
    assert using == ["Program A", "Program B"]  # Program B's draft would move to it
