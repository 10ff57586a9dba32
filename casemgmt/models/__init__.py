"""Models, one module per area; import them from here."""

from casemgmt.models.agencies import Agency, AgencyKind
from casemgmt.models.users import User

__all__ = ["Agency", "AgencyKind", "User"]
