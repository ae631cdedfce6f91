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
        "rulesets": dict.fromkeys(RULE_TABLE_MODELS, ("add", "change", "delete", "view")),
    },
}


# Not a per-program role: a superuser adds a person to this group to let their impact previews
# read every program's assessments (de-identified, and audited) and to publish rule sets that
# programs other than their own use.
NETWORK_GROUP = "Network rule administrators"
NETWORK_PERMISSIONS = {
    "rulesets": {
        **dict.fromkeys(RULE_TABLE_MODELS, ("add", "change", "delete", "view")),
        "ruleset": ("add", "change", "delete", "view", "publish_network_rules"),
        "impactjob": ("impact_all_programs",),
    }
}


def _codenames(model: str, actions) -> list[str]:
    return [a if a.startswith(("impact_", "publish_")) else f"{a}_{model}" for a in actions]


def sync_role_groups(**kwargs) -> None:
    groups = {GROUP_FOR_ROLE[role]: apps for role, apps in ROLE_PERMISSIONS.items()}
    groups[NETWORK_GROUP] = NETWORK_PERMISSIONS
    for name, apps in groups.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for app_label, models in apps.items():
            for model, actions in models.items():
                codenames = _codenames(model, actions)
                wanted.extend(
                    Permission.objects.filter(
                        content_type__app_label=app_label,
                        content_type__model=model,
                        codename__in=codenames,
                    )
                )
        group.permissions.set(wanted)
