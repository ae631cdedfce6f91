"""The three roles a member of a program can hold. Each role is also a Django group carrying
the model permissions that role needs (``accounts.groups.sync_role_groups``, run after every
migrate)."""

from django.db import models


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    SUPERVISOR = "supervisor", "Supervisor"
    RULE_ADMIN = "rule_admin", "Rule administrator"


# Django group name for each role.
GROUP_FOR_ROLE = {
    Role.CLINICIAN: "Clinicians",
    Role.SUPERVISOR: "Supervisors",
    Role.RULE_ADMIN: "Rule administrators",
}
