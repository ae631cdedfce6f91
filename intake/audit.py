from auditlog.registry import auditlog

from .models import Assessment, Patient

auditlog.register(Patient)
auditlog.register(Assessment)
