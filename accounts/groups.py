"""Each role is a Django group with the model permissions it needs. The groups are brought in
line after every migrate (permissions exist only after their models' migrations ran)."""

from django.contrib.auth.models import Group, Permission

from .roles import GROUP_FOR_ROLE, Role

# app_label -> model -> actions, per role. Object-level limits (own program only) are enforced
# by selectors; these are the coarse permissions Django admin and views check.
RULE_TABLE_MODELS = (
    "ruleset",
    "level",
    "dimension",
    "flag",
    "modifier",
    "question",
    "rule",
    "condition",
)

ROLE_PERMISSIONS: dict[Role, dict[str, dict[str, tuple[str, ...]]]] = {
    Role.CLINICIAN: {
        "intake": {
            "patient": ("add", "change", "view"),
            "assessment": ("add", "change", "view"),
        },
    },
    Role.SUPERVISOR: {
        "intake": {"patient": ("view",), "assessment": ("view",)},
    },
    Role.RULE_ADMIN: {
        "placement": dict.fromkeys(RULE_TABLE_MODELS, ("add", "change", "delete", "view")),
    },
}


def sync_role_groups(**kwargs) -> None:
    for role, apps in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=GROUP_FOR_ROLE[role])
        wanted = []
        for app_label, models in apps.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                wanted.extend(
                    Permission.objects.filter(
                        content_type__app_label=app_label,
                        content_type__model=model,
                        codename__in=codenames,
                    )
                )
        group.permissions.set(wanted)
