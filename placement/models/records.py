"""Records: recommendations (immutable), placements and their review, signatures, the work a
placement still needs, and stored PDFs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class ImmutableRecordError(ValidationError):
    pass


class Recommendation(models.Model):
    """What the engine decided for an assessment: inputs, rule set version and full decision.
    Never changed once written; a changed assessment gets a new Recommendation."""

    assessment = models.ForeignKey(
        "intake.Assessment", on_delete=models.PROTECT, related_name="recommendations"
    )
    rule_set = models.ForeignKey("rulesets.RuleSet", on_delete=models.PROTECT, related_name="+")
    rule_set_label = models.CharField(max_length=80)
    ratings = models.JSONField()
    flags = models.JSONField()
    answers = models.JSONField(default=dict)  # the answers the suggestions came from
    suggested_ratings = models.JSONField(default=dict)
    rating_reasons = models.JSONField(default=list)  # rating and flag rules that fired
    level = models.CharField(max_length=20)
    withdrawal_level = models.CharField(max_length=20, blank=True)
    modifiers = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    input_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["assessment", "input_digest"])]

    def __str__(self) -> str:
        return f"Recommendation {self.pk}: {self.level} ({self.rule_set_label})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecordError("A recommendation is never changed once computed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("A recommendation is never deleted.")

    def get_additional_data(self) -> dict:
        # The edition goes into the audit entry (and so into the log and its CSV export).
        return {"patient_id": self.assessment.patient_id, "edition": self.rule_set.edition}

    @property
    def emergency(self) -> bool:
        return "EMERGENCY" in self.modifiers


class DiscrepancyReason(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not applicable (indicated level provided)"
    SERVICE_NOT_AVAILABLE = "service_not_available", "Service not available"
    PROVIDER_JUDGMENT = "provider_judgment", "Provider judgment"
    PATIENT_PREFERENCE = "patient_preference", "Patient preference"
    TRANSPORTATION = "transportation", "Transportation"
    ACCESSIBILITY = "accessibility", "Accessibility"
    FINANCIAL = "financial", "Financial"
    PREFERRED_TO_WAIT = "preferred_to_wait", "Preferred to wait (waitlist)"
    LANGUAGE_CULTURAL = "language_cultural", "Language or cultural"
    ENVIRONMENT = "environment", "Environment"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    COURT_ORDERED = "court_ordered", "Court ordered"
    OTHER = "other", "Other (describe)"


class PlacementStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    RETURNED = "returned", "Returned"
    SIGNED = "signed", "Signed"


class OverrideReason(models.TextChoices):
    CLINICAL_JUDGMENT = "clinical_judgment", "Clinical judgment"
    RATING_DISAGREEMENT = "rating_disagreement", "Disagrees with a rating"
    SERVICE_NOT_AVAILABLE = "service_not_available", "Indicated service not available"
    SAFETY = "safety", "Safety concern"
    PAYER = "payer", "Payer authorization"
    OTHER = "other", "Other"


class Placement(models.Model):
    """One submission of a clinician's decision for review. A returned placement stays as it
    was (every round is kept); the revised assessment is submitted as a new placement. Once
    signed a placement is immutable; a correction is a new placement pointing to it."""

    assessment = models.ForeignKey(
        "intake.Assessment", on_delete=models.PROTECT, related_name="placements"
    )
    program = models.ForeignKey("accounts.Program", on_delete=models.PROTECT, related_name="+")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="+")
    # One number for the placement for life: every round of the same assessment shares the
    # first round's number (rounds are numbered inside it).
    number = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=PlacementStatus.choices)
    indicated_level = models.CharField(max_length=20)
    indicated_withdrawal_level = models.CharField(max_length=20, blank=True)
    # For ordering the queue across editions: the indicated level's care intensity (one scale
    # for every rule set), and the edition whose levels the codes above are.
    indicated_intensity = models.PositiveSmallIntegerField(default=0)
    edition = models.CharField(max_length=2, default="3")
    emergency = models.BooleanField(default=False)
    provided_level = models.CharField(max_length=20)
    provided_withdrawal_level = models.CharField(max_length=20, blank=True)
    discrepancy = models.BooleanField(default=False)
    discrepancy_reason = models.CharField(
        max_length=30, choices=DiscrepancyReason.choices, default=DiscrepancyReason.NOT_APPLICABLE
    )
    discrepancy_text = models.TextField(blank=True)
    authorized_level = models.CharField("payer-authorized level", max_length=20, blank=True)
    clinician_note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    override_level = models.CharField(max_length=20, blank=True)
    override_withdrawal_level = models.CharField(max_length=20, blank=True)
    override_reason = models.CharField(max_length=30, choices=OverrideReason.choices, blank=True)
    override_comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    final_level = models.CharField(max_length=20, blank=True)
    final_withdrawal_level = models.CharField(max_length=20, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            # The open queue, in its order: only open placements are in it, however long
            # the history of signed ones grows.
            models.Index(
                fields=["-emergency", "-indicated_intensity", "submitted_at", "id"],
                name="placement_open_queue_i",
                condition=models.Q(status__in=["submitted", "in_review"]),
            ),
            models.Index(
                fields=["program", "status", "submitted_at"],
                name="placement_open_by_program",
                condition=models.Q(status__in=["submitted", "in_review"]),
            ),
            # The queue listed by one status, or by one indicated level, in the same order.
            models.Index(
                fields=["status", "-emergency", "-indicated_intensity", "submitted_at", "id"],
                name="placement_open_by_status_i",
                condition=models.Q(status__in=["submitted", "in_review"]),
            ),
            models.Index(
                fields=[
                    "edition",
                    "indicated_level",
                    "-emergency",
                    "-indicated_intensity",
                    "submitted_at",
                    "id",
                ],
                name="placement_open_by_level_i",
                condition=models.Q(status__in=["submitted", "in_review"]),
            ),
            models.Index(
                fields=["program", "assessment"],
                name="placement_returned",
                condition=models.Q(status="returned"),
            ),
            models.Index(fields=["program", "status", "decided_at"], name="placement_decided"),
            models.Index(
                fields=["submitted_by", "status", "decided_at"], name="placement_by_clinician"
            ),
            models.Index(fields=["assessment", "round"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "round"], name="placement_unique_round")
        ]

    def __str__(self) -> str:
        return f"Placement {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Placement.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == PlacementStatus.SIGNED:
                raise ImmutableRecordError("A signed placement is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("Placements are never deleted.")

    def get_additional_data(self) -> dict:
        edition = self.recommendation.rule_set.edition if self.recommendation_id else ""
        return {"patient_id": self.assessment.patient_id, "edition": edition}

    @property
    def label(self) -> str:
        """How people refer to it: "12", or "12, round 2"."""
        number = self.number or self.pk
        return f"{number}, round {self.round}" if self.round > 1 else f"{number}"


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    CLAIMED = "claimed", "Claimed"
    RELEASED = "released", "Released"
    RETURNED = "returned", "Returned to clinician"
    APPROVED = "approved", "Approved and signed"
    OVERRIDDEN = "overridden", "Overridden and signed"


class ReviewEvent(models.Model):
    """The history of a placement's review, one row per action. Append-only."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=12, choices=ReviewAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (placement {self.placement_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecordError("Review history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("Review history is append-only.")


class Signature(models.Model):
    """An electronic signature: who (name and role as shown then), when, what it means.
    One per placement: the unique constraint is what makes two simultaneous approvals
    produce exactly one signature."""

    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="signature")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=160)
    signer_role = models.CharField(max_length=40)
    meaning = models.CharField(max_length=200)
    signed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Signature on placement {self.placement_id} by {self.signer_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecordError("A signature is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("A signature is never deleted.")

    def get_additional_data(self) -> dict:
        return {"patient_id": self.placement.assessment.patient_id}


class WorkKind(models.TextChoices):
    NOTIFY_SUPERVISORS = "notify_supervisors", "Notify supervisors of a submission"
    NOTIFY_RETURNED = "notify_returned", "Notify the clinician of a return"
    NOTIFY_APPROVED = "notify_approved", "Notify the clinician of the approval"
    RENDER_PDF = "render_pdf", "Render the signed placement's PDF"


class WorkItem(models.Model):
    """Work a placement still needs. The row is written in the same transaction as the
    placement change; a task does the work and marks the row done; a periodic sweeper re-sends
    anything due. So a broker that is down loses nothing. Attempts are counted in their own
    committed transaction before the work runs; a failing item waits longer each time
    (``next_attempt_at``) and after ``MAX_ATTEMPTS`` is marked failed for a superuser to see."""

    MAX_ATTEMPTS = 8

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="work")
    kind = models.CharField(max_length=24, choices=WorkKind.choices)
    done_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="workitem_unique_kind")
        ]
        indexes = [models.Index(fields=["done_at", "failed_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (placement {self.placement_id})"

    @property
    def state(self) -> str:
        if self.done_at:
            return "done"
        return "failed" if self.failed_at else "waiting"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    UNKNOWN = "unknown", "Interrupted while sending (not re-sent)"


class OutboxEmail(models.Model):
    """One notification email to one person. The row is committed before anything is sent,
    and marked *sending* in its own committed transaction just before the mail server is
    called, so that no failure anywhere can send it twice: a row found still *sending* long
    after (the process died mid-send) becomes *unknown* and is not re-sent automatically; a
    superuser decides. Refusals from the mail server are retried with a growing wait (4xx) or
    fail at once (5xx); after ``MAX_ATTEMPTS`` the row fails."""

    MAX_ATTEMPTS = 6

    key = models.CharField(max_length=120, unique=True)
    work_item = models.ForeignKey(
        WorkItem, null=True, blank=True, on_delete=models.PROTECT, related_name="emails"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_address = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    message_id = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"Email {self.pk} ({self.status})"


class PlacementDocument(models.Model):
    """The PDF of a signed placement, stored with the record (never in public media)."""

    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="document")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"PDF of placement {self.placement_id}"
