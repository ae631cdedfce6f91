"""Every new audit entry gets a row per patient it names (see PatientLink)."""

from .models import PatientLink, patient_ids_of


def link_patients(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    ids = patient_ids_of(instance.additional_data)
    if ids:
        PatientLink.objects.bulk_create(
            [
                PatientLink(entry_id=instance.pk, patient_id=i, timestamp=instance.timestamp)
                for i in ids
            ]
        )
