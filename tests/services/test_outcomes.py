"""Re-engagement events are recorded only after a recorded release."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casemgmt.services import outcomes

pytestmark = pytest.mark.django_db


TODAY = datetime.date.today()


def test_reengagement_only_after_release(make_case, caseworker, released):
    with pytest.raises(ValidationError, match="only for released cases"):
        outcomes.reengagement_record(
            case=make_case("prison_rehabilitation"),
            by=caseworker,
            kind="arrest",
            occurred_on=TODAY,
        )
    # The fixture's case was placed in "released" without a recorded release move.
    with pytest.raises(ValidationError):
        outcomes.reengagement_record(case=released, by=caseworker, kind="arrest", occurred_on=TODAY)
