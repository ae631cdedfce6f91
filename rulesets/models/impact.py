"""Impact previews: a draft's effect on stored assessments, run as a background job."""

from django.conf import settings
from django.db import models


class ImpactJobStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImpactJob(models.Model):
    """An impact preview: stored assessments placed under ``rule_set`` and under ``baseline``
    (the published version). Large previews run as a Celery job and report progress."""

    rule_set = models.ForeignKey("rulesets.RuleSet", on_delete=models.CASCADE, related_name="+")
    baseline = models.ForeignKey(
        "rulesets.RuleSet", null=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ImpactJobStatus.choices, default=ImpactJobStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Which programs' stored assessments the preview reads (see rulesets.impact).
    all_programs = models.BooleanField(default=False)
    program_ids = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "placement_impactjob"  # made before rule sets had their own app
        permissions = [
            ("impact_all_programs", "Preview rule changes on every program's assessments"),
        ]

    def __str__(self) -> str:
        return f"Impact preview {self.pk} of rule set {self.rule_set_id}"

    @property
    def percent(self) -> int:
        if self.status == ImpactJobStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0
