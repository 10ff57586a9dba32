"""Every page the demo users reach, checked with axe-core's WCAG 2.2 rules (target size
included), once in English and once in Urdu, each by a user who may see it.

One demo world (``seed_demo --cases 0``), one sign-in per role; each role's pages are
visited in English, then the language is switched in the account menu and they are
visited again in Urdu. Violations of every page are collected and reported together.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from casemgmt import access
from casemgmt.access import note_visibility_filter
from casemgmt.models import (
    Assessment,
    Case,
    HeldRegistration,
    Intervention,
    Note,
    Referral,
    ReferralStatus,
    StageTransition,
    TransitionStatus,
    User,
)
from casemgmt.services import people
from tests.e2e.conftest import accessibility_violations, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Every <details> open: the header's menus and the case page's "Add" forms are checked too.
OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => { d.open = true; })"


def _caseworker_pages(user):
    cases = Case.objects.visible_to(user)
    case = cases.get(person__full_name="Hazrat Bilal")
    # A note the user may read (on PostgreSQL the demo's notes by the user's own agency
    # may all be on other cases).
    note = Note.objects.filter(case=case).filter(note_visibility_filter(user, None)).earliest("pk")
    assessment = Assessment.objects.filter(case=case).earliest("pk")
    intervention = Intervention.objects.filter(case=case).earliest("pk")
    move = StageTransition.objects.get(
        case__person__full_name="Saif ur Rehman", status=TransitionStatus.PENDING
    )
    ref, person = case.reference, case.person.reference
    return [
        ("home", "/"),
        ("caseload", "/cases/"),
        ("case", f"/cases/{ref}/"),
        ("case-timeline", f"/cases/{ref}/timeline/"),
        ("case-print", f"/cases/{ref}/print/"),
        ("stage-move", f"/cases/{move.case.reference}/move/"),
        ("record-add", f"/cases/{ref}/add/note/"),
        ("notes", f"/cases/{ref}/notes/"),
        ("assessment-new", f"/cases/{ref}/assessments/new/"),
        ("person", f"/people/{person}/"),
        ("person-correct", f"/people/{person}/correct/"),
        ("person-open-case", f"/people/{person}/open-case/"),
        ("register", "/people/register/"),
        ("inbox", "/inbox/"),
        ("break-glass", "/break-glass/"),
        ("password-change", "/accounts/password/change/"),
        ("sessions", "/accounts/sessions/"),
        ("note-history", f"/cases/{ref}/notes/{note.pk}/"),
        ("assessment", f"/cases/{ref}/assessments/{assessment.pk}/"),
        ("intervention", f"/cases/{ref}/interventions/{intervention.pk}/"),
        ("record-action", f"/cases/{ref}/records/stop_intervention/{intervention.pk}/"),
    ]


def _held_registration(case):
    """A registration by another agency that matches the case's person: held for review."""
    welfare = User.objects.get(username="welfare.officer")
    held = people.person_register_with_case(
        by=welfare,
        programme=case.programme,
        lead_agency=welfare.agency,
        full_name=case.person.full_name,
        date_of_birth=case.person.date_of_birth,
        district="Mardan",
    )
    assert isinstance(held, HeldRegistration), held
    return held


def _supervisor_pages(user):
    move = StageTransition.objects.get(
        case__person__full_name="Saif ur Rehman", status=TransitionStatus.PENDING
    )
    ref = move.case.reference
    held = _held_registration(move.case)
    return [
        ("held-registration", f"/people/held/{held.pk}/"),
        ("home", "/"),
        ("dashboard", "/dashboard/"),
        ("approvals", "/approvals/"),
        ("departed-work", "/supervision/departed-work/"),
        ("reassign-cases", f"/supervision/reassign/?caseworker={_busiest(user).pk}"),
        ("case-pending-move", f"/cases/{ref}/"),
        ("case-access", f"/cases/{ref}/access/"),
        ("move-withdraw", f"/moves/{move.pk}/withdraw/"),
        ("two-factor", "/accounts/2fa/"),
    ]


def _busiest(supervisor):
    """The caseworker of the supervisor's agency with the most open cases (the reassignment
    page lists them)."""
    from django.db.models import Count, Q

    return (
        User.objects.filter(agency=supervisor.agency, role="caseworker", is_active=True)
        .annotate(open=Count("assigned_cases", filter=Q(assigned_cases__status="active")))
        .order_by("-open", "pk")
        .first()
    )


def _health_pages(user):
    """The health office's psychiatrist: a referral waiting for their answer."""
    referral = Referral.objects.filter(to_agency=user.agency, status=ReferralStatus.SENT).earliest(
        "pk"
    )
    return [("inbox", "/inbox/"), ("referral", f"/referrals/{referral.pk}/")]


def _counsellor_pages(user):
    """The counsellor rates the clinical domains of an assessment."""
    assessment = next(
        a
        for a in Assessment.objects.filter(
            case__in=Case.objects.visible_to(user), structured=True
        ).select_related("case")
        if access.can_write_case(user, a.case)
    )
    ref = assessment.case.reference
    return [
        ("home", "/"),
        ("assessment-clinical", f"/cases/{ref}/assessments/{assessment.pk}/clinical/"),
    ]


def _auditor_pages(user):
    case = Case.objects.visible_to(user).first()
    return [
        ("home", "/"),
        ("caseload", "/cases/"),
        ("case", f"/cases/{case.reference}/"),
        ("case-print", f"/cases/{case.reference}/print/"),
        ("person", f"/people/{case.person.reference}/"),
        ("facilities", "/facilities/"),
    ]


ROLES = {
    "caseworker": _caseworker_pages,
    "supervisor": _supervisor_pages,
    "psychiatrist": _health_pages,
    "counsellor": _counsellor_pages,
    "auditor": _auditor_pages,
}


def _to_urdu(page):
    page.click("#account-menu")
    page.select_option("#language-select", "ur")
    page.click("#language-select + button")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def _check(page, label, failures):
    page.evaluate(OPEN_DETAILS)
    found = [f"{label}: {v}" for v in accessibility_violations(page)]
    failures += found
    screenshot(page, label, full_page=False)  # the top of each page: a long one takes seconds


def test_every_page_is_accessible_in_english_and_urdu(new_page, live_server):
    call_command("seed_demo", cases=0, verbosity=0)
    failures = []
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(live_server.url + "/accounts/login/")
    _check(page, "every-anonymous-sign-in-en", failures)
    page.goto(live_server.url + "/accounts/login/")
    page.select_option("#language-select", "ur")
    page.click("#language-select + button")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    _check(page, "every-anonymous-sign-in-ur", failures)
    page.context.close()
    for username, pages_for in ROLES.items():
        pages = pages_for(User.objects.get(username=username))
        page = new_page(viewport={"width": 1280, "height": 800})
        sign_in(page, live_server, username)
        for language in ("en", "ur"):
            if language == "ur":
                page.goto(live_server.url + "/")  # the account menu closed
                _to_urdu(page)
            for name, path in pages:
                response = page.goto(live_server.url + path)
                label = f"every-{username}-{name}-{language}"
                if response.status != 200:
                    failures.append(f"{label}: HTTP {response.status}")
                    continue
                _check(page, label, failures)
        page.context.close()
    assert failures == [], "\n".join(failures)
