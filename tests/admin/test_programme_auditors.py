"""Administrators assign a programme's auditors on its admin page: only users with the
auditor role, and every change (who was assigned before and after) is in the trail."""

import pytest

from casemgmt import factories
from casemgmt.models import AuditAction, AuditEvent, Case
from tests.admin_forms import post_change

pytestmark = pytest.mark.django_db


def _config_changes(programme):
    return [
        e.changes
        for e in AuditEvent.objects.filter(
            action=AuditAction.CONFIG_CHANGED,
            target_type="casemgmt.programme",
            target_id=str(programme.pk),
        ).order_by("pk")
    ]


def test_an_administrator_assigns_and_removes_an_auditor_and_both_are_recorded(
    client, administrator, programme, make_case
):
    case = make_case()
    kept, added = factories.AuditorFactory(oversees=[programme]), factories.AuditorFactory()
    client.force_login(administrator)
    response = post_change(client, "programme", programme, {"auditors": [kept.pk, added.pk]})
    assert response.status_code == 200 and not response.context.get("errors")
    assert set(programme.auditors.all()) == {kept, added}
    assert Case.objects.visible_to(added).filter(pk=case.pk).exists()

    post_change(client, "programme", programme, {"auditors": [added.pk]})
    assert list(programme.auditors.all()) == [added]
    assert not Case.objects.visible_to(kept).exists()
    low, high = sorted([kept.pk, added.pk])
    assert [c["auditors"] for c in _config_changes(programme)] == [
        [str(kept.pk), f"{low}, {high}"],
        [f"{low}, {high}", str(added.pk)],
    ]


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "administrator"])
def test_only_users_with_the_auditor_role_are_offered_or_accepted(
    client, administrator, programme, request, role
):
    user = request.getfixturevalue(role)
    client.force_login(administrator)
    response = post_change(client, "programme", programme, {"auditors": [user.pk]})
    assert "auditors" in response.context["adminform"].form.errors
    assert not programme.auditors.exists()
    assert not _config_changes(programme)
    offered = response.context["adminform"].form.fields["auditors"].queryset
    assert not offered.filter(pk=user.pk).exists()
