"""The information classes of DOMAIN.md ("Who may see what").

Its own module, importing nothing of ours, so that the record-kind declaration
(and through it ``roles.py``, which models and migrations import) can name classes.
The policy that grants them is ``casemgmt.access``.
"""

from django.db import models
from django.utils.translation import gettext_lazy


class InfoClass(models.TextChoices):
    CASE = "case", gettext_lazy("Case record")
    IDENTITY = "identity", gettext_lazy("Identity")
    LOCATION = "location", gettext_lazy("Location")
    LEGAL = "legal", gettext_lazy("Legal")
    RISK = "risk", gettext_lazy("Risk")
    CLINICAL = "clinical", gettext_lazy("Clinical")
    SECURITY = "security", gettext_lazy("Security")
    INTERVENTION = "intervention", gettext_lazy("Intervention")
