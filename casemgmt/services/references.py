from django.db import transaction
from django.db.models import F
from django.utils import timezone

from casemgmt.models import ReferenceSequence

PERSON_PREFIX = "RC"
CASE_PREFIX = "CS"


@transaction.atomic
def allocate_references(*, prefix: str, count: int = 1, year: int | None = None) -> list[str]:
    """Reserve ``count`` consecutive reference numbers such as RC-2026-000123."""
    year = year or timezone.localdate().year
    sequence, _created = ReferenceSequence.objects.select_for_update().get_or_create(
        name=prefix, year=year
    )
    ReferenceSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
    sequence.refresh_from_db(fields=["last_value"])
    last = sequence.last_value
    return [f"{prefix}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]
