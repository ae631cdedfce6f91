"""Audit entries are append-only: the app refuses to change or delete one."""

from django.core.exceptions import PermissionDenied


def refuse_change(sender, instance, **kwargs):
    if instance.pk is not None and sender.objects.filter(pk=instance.pk).exists():
        raise PermissionDenied("Audit entries cannot be changed.")


def refuse_delete(sender, instance, **kwargs):
    raise PermissionDenied("Audit entries cannot be deleted.")
