from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Programs and roles"

    def ready(self) -> None:
        # Imported here because models load only once the app registry is ready.
        from .groups import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="stepwise_sync_role_groups")
