"""Facility occupancy and the capacity warning."""

import pytest

from casemgmt import factories
from casemgmt.selectors import facilities

pytestmark = pytest.mark.django_db


class TestFacilities:
    def test_capacity_warning(self, make_case, agency):
        facility = factories.FacilityFactory(agency=agency, capacity=2)
        assert facilities.capacity_warning(facility) == ""
        make_case("prison_rehabilitation", facility=facility)
        make_case("prison_rehabilitation", facility=facility)
        make_case("released", facility=facility)  # not in custody: not counted
        assert facilities.occupancy(facility) == 2
        assert "would hold 3 people for 2 places" in facilities.capacity_warning(facility)
