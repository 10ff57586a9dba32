from django.db import models


class ReferenceSequence(models.Model):
    """A named counter for human reference numbers (e.g. RC-2026-000123).

    One row per prefix and year; ``casemgmt.services.references`` increments
    it under a row lock so two registrations never get the same number.
    """

    name = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="reference_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}-{self.year}: {self.last_value}"
