from django.conf import settings
from django.db import models

from accounts.models import Program


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNKNOWN = "unknown", "Not recorded"


class Patient(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("medical record number", max_length=40)
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    preferred_language = models.CharField(max_length=40, default="English")
    phone = models.CharField("contact phone", max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "mrn"], name="patient_unique_mrn_in_program")
        ]
        indexes = [
            models.Index(fields=["program", "family_name", "given_name"]),
            models.Index(fields=["program", "date_of_birth"]),
        ]

    def __str__(self) -> str:
        # Used in admin and audit entries: the record number, never the name.
        return f"Patient {self.pk} (MRN {self.mrn})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"
