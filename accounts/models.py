from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from . import editions
from .roles import Role


class Program(models.Model):
    """A clinic or service line. Patients belong to exactly one program; staff see only the
    patients of programs they are members of."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    review_target_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Submitted placements waiting longer than this are highlighted."
    )
    require_2fa_for_clinicians = models.BooleanField(
        default=False,
        help_text="Supervisors and administrators always need two-factor sign-in; "
        "tick this to require it of this program's clinicians too.",
    )
    phone = models.CharField(
        "contact phone", max_length=40, blank=True, help_text="Printed on patient handouts."
    )
    address = models.TextField("contact address", blank=True, help_text="Printed on handouts.")
    email = models.EmailField("contact email", blank=True, help_text="Printed on handouts.")
    edition = models.CharField(
        "ASAM Criteria edition for new assessments",
        max_length=2,
        choices=editions.CHOICES,
        default="3",
        help_text="New assessments use the published rules of this edition (until the switch "
        "below, when one is set); assessments already started keep theirs.",
    )
    # A scheduled switch: assessments dated on or after ``switch_on`` use ``switch_to``.
    switch_to = models.CharField(
        "switch to edition",
        max_length=2,
        choices=editions.CHOICES,
        blank=True,
        help_text="The edition the program moves to on the date below (as its state announced).",
    )
    switch_on = models.DateField(
        "switch on",
        null=True,
        blank=True,
        help_text="Assessments dated on or after this day use the new edition; drafts started "
        "before it keep theirs.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):

        if bool(self.switch_to) != bool(self.switch_on):
            raise ValidationError("Give both the edition to switch to and the date, or neither.")
        if self.switch_to and self.switch_to == self.edition:
            raise ValidationError({"switch_to": "The program is already on this edition."})

    def edition_on(self, day) -> str:
        """The edition of assessments dated ``day``."""
        if self.switch_to and self.switch_on and day >= self.switch_on:
            return self.switch_to
        return self.edition

    @property
    def editions(self) -> list[str]:
        """The editions the program uses now or will use after its switch."""
        return [self.edition, *([self.switch_to] if self.switch_to else [])]


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role"], name="membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["program", "role"])]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} in {self.program}"
