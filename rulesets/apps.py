from django.apps import AppConfig


class RulesetsConfig(AppConfig):
    """Rule sets: their tables, loading them for the engine, and everything a rule
    administrator does with them (the editor, import and export, impact previews)."""

    name = "rulesets"
    verbose_name = "Rule sets"

    def ready(self) -> None:
        # Imported here because models load only once the app registry is ready.
        from intake import ports

        from .provider import RuleSets

        ports.provide(rule_sets=RuleSets())
