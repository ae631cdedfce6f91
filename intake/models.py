from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

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
    # The continued-stay review that is due: the date of the latest signed placement's next
    # review and that placement, until a new assessment of the patient starts. Kept here
    # (the placement itself never changes once signed) so that "reviews due" and "overdue"
    # are an index range, not a search through every placement ever signed.
    review_due = models.DateField(null=True, blank=True)
    # The placement's id, not a foreign key: intake has no key into placement (placements
    # are never deleted, so the id stays good).
    review_placement_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "mrn"], name="patient_unique_mrn_in_program")
        ]
        indexes = [
            models.Index(fields=["program", "family_name", "given_name"]),
            models.Index(fields=["program", "date_of_birth"]),
            # Exact MRN search is case-insensitive (mrn__iexact reads UPPER(mrn)).
            models.Index(Upper("mrn"), name="patient_mrn_upper"),
            models.Index(
                fields=["program", "review_due"],
                name="patient_review_due",
                condition=models.Q(review_due__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        # Shown in admin, audit entries and any debug output: an id, never a name or MRN.
        return f"Patient {self.pk}"

    def get_additional_data(self) -> dict:
        return {"patient_id": self.pk}

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    CONTINUED_STAY = "continued_stay", "Continued-stay review"
    TRANSFER_DISCHARGE = "transfer_discharge", "Transfer / discharge"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned for revision"
    SIGNED = "signed", "Signed"


class Assessment(models.Model):
    """A six-dimension assessment. Saved at every wizard step; ``version`` detects concurrent
    edits (a save names the version it started from and is refused if another came first)."""

    # Set on the instance (never stored) by a save that moved a draft to a newer rule-set
    # version: the version it left, and the steps that ask again.
    moved_from_label: str = ""
    moved_asks: tuple[Any, ...] | list[Any] = ()

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    assessment_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    rule_set = models.ForeignKey("rulesets.RuleSet", on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    substances = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=dict, blank=True)  # step -> clinical notes
    suggested_ratings = models.JSONField(default=dict, blank=True)
    confirmed_ratings = models.JSONField(default=dict, blank=True)
    justifications = models.JSONField(default=dict, blank=True)
    decision = models.JSONField(default=dict, blank=True)  # the clinician's draft decision
    current_step = models.CharField(max_length=20, default="substances")
    completed_steps = models.JSONField(default=list, blank=True)
    # What a step must say until it is saved again: step -> sentences (an answer that changed
    # meaning when the assessment moved to a newer rule-set version, say).
    notices = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Everyone who wrote any step or decision (user ids): none of them may sign it.
    contributors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assessment_date", "-id"]
        indexes = [
            models.Index(fields=["patient", "status"]),
            # Returned assessments: the ones awaiting their clinician (the queue counts them).
            models.Index(
                fields=["id"], name="assessment_returned", condition=models.Q(status="returned")
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk} ({self.get_kind_display()}, {self.assessment_date})"

    def get_additional_data(self) -> dict:
        return {"patient_id": self.patient_id}

    @property
    def editable(self) -> bool:
        return self.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)

    def touched_by(self, user) -> None:
        """Record ``user`` as the one saving now (the caller saves the row)."""
        self.updated_by = user
        if user.pk not in self.contributors:
            self.contributors = [*self.contributors, user.pk]


class ConsentScope(models.TextChoices):
    PLACEMENT = "placement", "Level-of-care placements"
    ASSESSMENT = "assessment", "Assessments and placements"
    ALL = "all", "All substance use disorder treatment records"


SCOPE_COVERS = {
    ConsentScope.PLACEMENT: {ConsentScope.PLACEMENT},
    ConsentScope.ASSESSMENT: {ConsentScope.PLACEMENT, ConsentScope.ASSESSMENT},
    ConsentScope.ALL: {ConsentScope.PLACEMENT, ConsentScope.ASSESSMENT, ConsentScope.ALL},
}


class Consent(models.Model):
    """A patient's written consent to disclose Part 2 records: to whom, for what purpose,
    which information, until when. Revocation is recorded, never deleted."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    recipient = models.CharField(
        max_length=200, help_text="The person or organisation that may receive the records."
    )
    purpose = models.CharField(max_length=300)
    scope = models.CharField("what may be disclosed", max_length=12, choices=ConsentScope.choices)
    signed_on = models.DateField("signed by the patient on")
    expires_on = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"Consent {self.pk} (patient {self.patient_id})"

    def get_additional_data(self) -> dict:
        return {"patient_id": self.patient_id}

    def is_active(self, on) -> bool:
        return self.revoked_at is None and self.signed_on <= on <= self.expires_on

    def covers(self, scope: str, on) -> bool:
        return self.is_active(on) and scope in SCOPE_COVERS[ConsentScope(self.scope)]


class Disclosure(models.Model):
    """A record disclosed outside the program under a consent: the accounting of disclosures.
    Append-only."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="disclosures")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="disclosures")
    # The placement disclosed, by id (intake has no key into placement; placements are
    # never deleted).
    placement_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    what = models.CharField(max_length=200)
    recipient = models.CharField(max_length=200)
    purpose = models.CharField(max_length=300)
    method = models.CharField(max_length=60)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    disclosed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-disclosed_at", "-id"]

    def __str__(self) -> str:
        return f"Disclosure {self.pk} (patient {self.patient_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Disclosures are recorded once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Disclosures are never deleted.")

    def get_additional_data(self) -> dict:
        return {"patient_id": self.patient_id}
