"""The demo agencies and log-ins, and the crew of staff who act on a demo case."""

from dataclasses import dataclass

from casemgmt.demo.data import AGENCY_URDU, DEMO_AGENCIES, DEMO_USERS
from casemgmt.factories import DEMO_PASSWORD, AgencyFactory, UserFactory
from casemgmt.models import Agency, AgencyKind, Programme, User
from casemgmt.roles import Role


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    agency: str


def seed_agencies_and_users() -> list[DemoLogin]:
    """Create the demo agencies and users once; return the log-ins to print."""
    agencies = {
        row.short_name: AgencyFactory(
            name=row.name,
            short_name=row.short_name,
            name_ur=AGENCY_URDU[row.short_name][0],
            short_name_ur=AGENCY_URDU[row.short_name][1],
            kind=row.kind,
            district=row.district,
        )
        for row in DEMO_AGENCIES
    }
    logins = []
    for row in DEMO_USERS:
        agency = agencies[row.agency]
        if not User.objects.filter(username=row.username).exists():
            UserFactory(
                username=row.username,
                first_name=row.first_name,
                last_name=row.last_name,
                role=row.role,
                agency=agency,
                password=DEMO_PASSWORD,
                juvenile_trained=row.juvenile_trained,
            )
        logins.append(DemoLogin(row.username, Role(row.role).label, agency.name))
    assign_demo_auditors()
    return logins


def assign_demo_auditors() -> None:
    """The demo's auditors are an inspectorate of the whole scheme: they oversee every
    programme (an auditor sees only the programmes they are assigned to)."""
    auditors = User.objects.filter(
        username__in=[row.username for row in DEMO_USERS if row.role == Role.AUDITOR]
    )
    for programme in Programme.objects.all():
        programme.auditors.add(*auditors)


def demo_agency(short_name: str) -> Agency:
    return Agency.objects.get(short_name=short_name)


def demo_users() -> dict[str, User]:
    """The demo staff by username."""
    return {u.username: u for u in User.objects.filter(agency__isnull=False)}


@dataclass
class Crew:
    """The demo staff who act on a case: a writer, a second person, an approver and the
    probation caseworker who receives the case in the community."""

    writer: User
    second: User
    approver: User
    receiver: User


def crew_for(lead: Agency, *, juvenile: bool = False) -> Crew:
    """The crew of a case led by ``lead``: prison staff for a prison case, else probation;
    a juvenile's case is the trained youth worker's, with the programme's supervisor."""
    users = demo_users()
    if juvenile:
        worker, lead_supervisor = users["youth.worker"], users["supervisor"]
        return Crew(
            writer=worker, second=lead_supervisor, approver=lead_supervisor, receiver=worker
        )
    if lead.kind == AgencyKind.PRISON:
        writer, approver = users["prison.officer"], users["prison.supervisor"]
    else:
        writer, approver = users["caseworker"], users["supervisor"]
    return Crew(
        writer=writer, second=users["counsellor"], approver=approver, receiver=users["caseworker"]
    )
