"""Audit of patient data: every create and change through django-auditlog's model registry,
and every view through ``record_access`` (an ACCESS entry with user, time, object and source
address, filled in by auditlog's middleware)."""

from auditlog.registry import auditlog
from auditlog.signals import accessed

from .models import Assessment, Consent, Disclosure, Patient

auditlog.register(Patient)
auditlog.register(Assessment)
auditlog.register(Consent)
auditlog.register(Disclosure)


def record_access(instance) -> None:
    accessed.send(sender=instance.__class__, instance=instance)
