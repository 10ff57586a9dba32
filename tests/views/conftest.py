import pytest

from casemgmt.models import AuditEvent


@pytest.fixture
def assert_refused():
    """Send a request with ``send()``: it must answer 404 and write exactly one audit
    event, an ``access.denied`` naming ``target_type`` (and nothing else)."""

    def check(send, target_type: str):
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        response = send()
        assert response.status_code == 404
        written = list(AuditEvent.objects.exclude(pk__in=before))
        assert [(e.action, e.target_type) for e in written] == [("access.denied", target_type)]
        return written[0]

    return check
