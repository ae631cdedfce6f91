"""Rule tables: a RuleSet and its rows. The rule editor edits drafts; published and retired
versions are read-only (enforced here and by the services; Django admin only shows them). The
tables keep the names they had when these models lived in the placement app. simple-history
keeps every change so that "which rules were in force on a date" has an answer."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.editions import edition_name


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class ImmutableRuleSetError(ValidationError):
    pass


class RuleSet(models.Model):
    name = models.SlugField(max_length=60, help_text="Stable name, e.g. asam3-default.")
    edition = models.CharField(max_length=20, help_text="ASAM Criteria edition, e.g. 3 or 4.")
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    notes = models.TextField(blank=True)
    release_notes = models.TextField(
        blank=True, help_text="What changed in this version and why, with the sources."
    )
    primary_track = models.CharField(max_length=30, default="treatment")
    withdrawal_track = models.CharField(max_length=30, default="withdrawal", blank=True)
    adolescent_flag = models.CharField(max_length=40, default="adolescent", blank=True)
    # Read only by verification of a set that determines from needs (engine RuleSet).
    kept_variant = models.CharField(
        max_length=40,
        blank=True,
        help_text="The level variant that adding a need never takes away (4th edition: COE).",
    )
    ceiling_level = models.CharField(
        max_length=20,
        blank=True,
        help_text="From this level's broad level up, the kept variant may be dropped.",
    )
    # 4th edition: the dimensions whose subdimensions are rated, and the one recorded only:
    # [{"code": "1", "name": "...", "rated": true}, ...]. Empty for the 3rd edition.
    groups = models.JSONField(default=list, blank=True)
    # Answers that change meaning when a draft moves to this version (see rules/carry.py):
    # [{"question": ..., "value": ..., "answers": {...}, "ask": ..., "text": ...}, ...]
    carry_over = models.JSONField(default=list, blank=True)
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    # Empty: the network default (or a set no program uses yet). Otherwise a program variant:
    # the programs whose new assessments of this edition use it once it is published.
    programs = models.ManyToManyField(
        "accounts.Program",
        blank=True,
        related_name="rule_sets",
        db_table="placement_ruleset_programs",
    )
    # The verified stamp: which content was verified, by whom, when, with what result.
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_digest = models.CharField(max_length=64, blank=True)
    verification = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(table_name="placement_historicalruleset")

    class Meta:
        db_table = "placement_ruleset"
        ordering = ["name", "-version"]
        permissions = [
            ("publish_network_rules", "Publish rule sets that programs other than one's own use")
        ]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="ruleset_unique_version"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(status="published"),
                name="ruleset_one_published_per_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.version} ({self.get_status_display().lower()})"

    # Fields that define the content; fixed once the set leaves draft.
    CONTENT_FIELDS = (
        "name",
        "edition",
        "version",
        "notes",
        "release_notes",
        "primary_track",
        "withdrawal_track",
        "adolescent_flag",
        "kept_variant",
        "ceiling_level",
        "carry_over",
    )

    def save(self, *args, **kwargs):
        if self.pk:
            old = RuleSet.objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS, "status").first()
            if old and old["status"] != RuleSetStatus.DRAFT:
                changed = [f for f in self.CONTENT_FIELDS if old[f] != getattr(self, f)]
                if changed or self.status == RuleSetStatus.DRAFT:
                    raise ImmutableRuleSetError(
                        f"{self.label} is {old['status']}; edit a draft copy instead."
                    )
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def edition_label(self) -> str:
        """ "ASAM Criteria, 4th edition" - shown wherever a placement is."""
        return f"ASAM Criteria, {edition_name(self.edition)}"

    @property
    def plain_label(self) -> str:
        """How clinicians read it: "asam3-default, version 2"."""
        return f"{self.name}, version {self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == RuleSetStatus.DRAFT

    @property
    def is_network_default(self) -> bool:
        return self.name in set(settings.STEPWISE_RULE_SETS.values())


class DraftOnlyRow(models.Model):
    """A row of a rule set's content: saving or deleting it is refused once the rule set is no
    longer a draft. Subclasses say how to find their rule set's status."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def rule_set_status(self) -> str | None:
        raise NotImplementedError

    def _check_draft(self) -> None:
        status = self.rule_set_status()
        if status is not None and status != RuleSetStatus.DRAFT:
            raise ImmutableRuleSetError(f"This rule set is {status}; edit a draft copy instead.")


class RuleSetRow(DraftOnlyRow):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="%(class)ss")

    class Meta:
        abstract = True

    def rule_set_status(self) -> str | None:
        return RuleSet.objects.filter(pk=self.rule_set_id).values_list("status", flat=True).first()


class Dimension(RuleSetRow):
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=120)
    short_name = models.CharField(
        max_length=60, blank=True, help_text="For tabs and lists, e.g. Withdrawal."
    )
    order = models.PositiveSmallIntegerField(default=0)
    group = models.CharField(
        max_length=10, blank=True, help_text="4th edition: the dimension a subdimension belongs to."
    )
    scale = models.CharField(
        max_length=200, help_text="Rating codes, least to most severe, separated by commas."
    )
    anchors = models.TextField(
        blank=True, help_text="One short description per rating, one per line, same order."
    )
    history = HistoricalRecords(table_name="placement_historicaldimension")

    class Meta:
        db_table = "placement_dimension"
        ordering = ["rule_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="dimension_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Population(models.TextChoices):
    ALL = "all", "Adults and adolescents"
    ADULT = "adult", "Adults only"
    ADOLESCENT = "adolescent", "Adolescents only"


class Level(RuleSetRow):
    code = models.CharField(max_length=20)
    track = models.CharField(max_length=30)
    rank = models.PositiveSmallIntegerField(
        help_text="Order within the track; 0 = least intensive."
    )
    name = models.CharField(max_length=160)
    adolescent_name = models.CharField(max_length=160, blank=True)
    population = models.CharField(max_length=12, choices=Population.choices, default="all")
    setting = models.TextField(blank=True, help_text="Plain-language description for patients.")
    hours_adult = models.CharField(max_length=200, blank=True)
    hours_adolescent = models.CharField(max_length=200, blank=True)
    suits = models.TextField(blank=True, help_text="Who this level suits, in plain language.")
    review_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days until the next review at this level."
    )
    intensity = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How intensive the care is, on one scale for every edition (0 none, 1 early "
        "intervention or remission monitoring ... 11 hospital): orders the review queue.",
    )
    crosswalk_3rd = models.CharField(
        "nearest 3rd-edition level",
        max_length=20,
        blank=True,
        help_text="4th edition: the 3rd-edition level nearest to this one.",
    )
    history = HistoricalRecords(table_name="placement_historicallevel")

    class Meta:
        db_table = "placement_level"
        ordering = ["rule_set", "track", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="level_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Flag(RuleSetRow):
    code = models.CharField(max_length=40)
    description = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords(table_name="placement_historicalflag")

    class Meta:
        db_table = "placement_flag"
        ordering = ["rule_set", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="flag_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class Modifier(RuleSetRow):
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    emergency = models.BooleanField(default=False, help_text="Show as a prominent banner.")
    handout = models.TextField(
        blank=True, help_text="The same in words the person understands, for the handout."
    )
    track = models.CharField(
        max_length=30, blank=True, help_text="Shown with this track's level (e.g. withdrawal)."
    )
    history = HistoricalRecords(table_name="placement_historicalmodifier")

    class Meta:
        db_table = "placement_modifier"
        ordering = ["rule_set", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="modifier_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class QuestionType(models.TextChoices):
    INT = "int", "Whole number"
    BOOL = "bool", "Yes / no"
    CHOICE = "choice", "One of a list"
    MULTICHOICE = "multichoice", "Several of a list"
    DATE = "date", "Date"
    TEXT = "text", "Text"


class Question(RuleSetRow):
    code = models.CharField(max_length=60)
    label = models.CharField(max_length=300)
    type = models.CharField(max_length=12, choices=QuestionType.choices)
    step = models.CharField(max_length=20, help_text="Intake step: substances, D1 ... D6, record.")
    order = models.PositiveSmallIntegerField(default=0)
    choices = models.TextField(blank=True, help_text="One choice per line: value | label")
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    required = models.BooleanField(default=False)
    help_text = models.TextField(blank=True)
    source = models.CharField(
        max_length=12,
        choices=[("clinician", "Asked by the clinician"), ("record", "From the record")],
        default="clinician",
    )
    history = HistoricalRecords(table_name="placement_historicalquestion")

    class Meta:
        db_table = "placement_question"
        ordering = ["rule_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="question_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class RuleKind(models.TextChoices):
    PLACEMENT = "placement", "Placement (asks for a minimum level)"
    SUBSTITUTION = "substitution", "Substitution (replaces a level)"
    MODIFIER = "modifier", "Modifier"
    RATING = "rating", "Rating (answers suggest a rating)"
    FLAG = "flag", "Flag (answers set a flag)"
    NEED = "need", "Need (a code asks for a minimum level)"
    DETERMINATION = "determination", "Determination step (first match decides)"


class Rule(RuleSetRow):
    rule_id = models.CharField("ID", max_length=60)
    kind = models.CharField(max_length=14, choices=RuleKind.choices)
    order = models.PositiveIntegerField(default=0)
    track = models.CharField(max_length=30, blank=True)
    level = models.CharField(
        max_length=20, blank=True, help_text="Placement: minimum level. Substitution: new level."
    )
    from_level = models.CharField(max_length=20, blank=True, help_text="Substitution only.")
    modifier = models.CharField(max_length=20, blank=True)
    dimension = models.CharField(max_length=10, blank=True, help_text="Rating rules only.")
    rating = models.CharField(max_length=10, blank=True, help_text="Rating rules only.")
    flag = models.CharField(max_length=40, blank=True, help_text="Flag rules only.")
    text = models.CharField(max_length=300, help_text="One line, in plain words.")
    note = models.CharField(max_length=300, blank=True, help_text="Source or caveat.")
    history = HistoricalRecords(table_name="placement_historicalrule")

    class Meta:
        db_table = "placement_rule"
        ordering = ["rule_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "rule_id"], name="rule_unique_id")
        ]

    def __str__(self) -> str:
        return self.rule_id


class ConditionKind(models.TextChoices):
    RATING = "rating", "Rating in range"
    FLAG = "flag", "Flag"
    AT_LEAST = "at_least", "At least N dimensions rated K or more"
    ANSWER = "answer", "Intake answer"
    NEED = "need", "A need (level, base level or variant)"
    RESULT = "result", "The level determined so far"


class Condition(DraftOnlyRow):
    """One condition of a rule. All conditions must hold, except that conditions sharing an
    'any-of group' number are alternatives: at least one of each group must hold."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="conditions")
    order = models.PositiveSmallIntegerField(default=0)
    any_group = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Same number = alternatives (any of them)."
    )
    kind = models.CharField(max_length=10, choices=ConditionKind.choices)
    dimension = models.CharField(max_length=10, blank=True)
    low = models.CharField(max_length=10, blank=True, help_text="Lowest rating (inclusive).")
    high = models.CharField(max_length=10, blank=True, help_text="Highest rating (inclusive).")
    flag = models.CharField(max_length=40, blank=True)
    flag_value = models.BooleanField(default=True)
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    dimensions = models.CharField(max_length=200, blank=True, help_text="Comma-separated codes.")
    minimum = models.CharField(max_length=10, blank=True)
    question = models.CharField(max_length=60, blank=True)
    op = models.CharField(max_length=20, blank=True)
    value = models.JSONField(null=True, blank=True)
    history = HistoricalRecords(table_name="placement_historicalcondition")

    class Meta:
        db_table = "placement_condition"
        ordering = ["rule", "order", "id"]

    def __str__(self) -> str:
        return f"{self.rule.rule_id} condition {self.order}"

    def rule_set_status(self) -> str | None:
        return (
            Rule.objects.filter(pk=self.rule_id).values_list("rule_set__status", flat=True).first()
        )


class RuleTestCase(RuleSetRow):
    """A test case of a rule set version: an input and what the version must decide for it
    (see ``engine.cases``). Edited with the draft; publishing needs all to pass."""

    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    ratings = models.JSONField(null=True, blank=True)
    answers = models.JSONField(null=True, blank=True)
    flags = models.JSONField(default=dict, blank=True)
    expect_level = models.CharField("expected treatment level", max_length=20)
    expect_withdrawal_level = models.CharField(
        "expected withdrawal management", max_length=20, blank=True
    )
    expect_modifiers = models.JSONField("expected modifiers", null=True, blank=True)
    expect_compare = models.CharField(
        "the treatment level is",
        max_length=10,
        choices=[("exact", "exactly"), ("at least", "at least"), ("at most", "at most")],
        default="exact",
    )
    history = HistoricalRecords(table_name="placement_historicalruletestcase")

    class Meta:
        db_table = "placement_ruletestcase"
        ordering = ["rule_set", "order", "id"]

    def __str__(self) -> str:
        return self.name


class RuleSetImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Reading"
    DONE = "done", "Imported"
    FAILED = "failed", "Refused"


class RuleSetImport(models.Model):
    """A large spreadsheet import, read by a background job (the web request only checks the
    archive's limits and stores the file). The file is kept only until it is read; the
    person who uploaded it follows the progress and sees the draft or the problems."""

    MAX_ATTEMPTS = 3
    STALE_S = 300

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    content = models.BinaryField(blank=True, editable=False)
    unpacked_bytes = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=RuleSetImportStatus.choices, default=RuleSetImportStatus.PENDING
    )
    problems = models.JSONField(default=list, blank=True)
    draft = models.ForeignKey(
        RuleSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "placement_rulesetimport"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"Rule-set import {self.pk} ({self.get_status_display().lower()})"
