"""factory-boy factories for the whole suite."""

import datetime

import factory
from django.contrib.auth import get_user_model

from accounts.models import Program
from accounts.roles import Role
from accounts.services import membership_grant
from intake.models import Patient

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"program-{n}")
    name = factory.LazyAttribute(lambda p: f"Program {p.code}")


def member(role: Role, program: Program, **kwargs):
    """A user holding ``role`` in ``program``."""
    user = UserFactory(**kwargs)
    membership_grant(user=user, program=program, role=role)
    return user


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    program = factory.SubFactory(ProgramFactory)
    mrn = factory.Sequence(lambda n: f"MRN-{n:05d}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.Faker(
        "date_between", start_date=datetime.date(1950, 1, 1), end_date=datetime.date(2000, 1, 1)
    )
    sex = "female"
    preferred_language = "English"
    phone = "555-0100"
