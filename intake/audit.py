from auditlog.registry import auditlog

from .models import Patient

auditlog.register(Patient)
