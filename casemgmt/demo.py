"""The demo data set, built from the factories; every step is idempotent."""

from dataclasses import dataclass

from casemgmt.factories import DEMO_PASSWORD, AgencyFactory, UserFactory
from casemgmt.models import Agency, AgencyKind, User
from casemgmt.roles import Role

DEMO_AGENCIES = [
    ("Central Prison Peshawar, Rehabilitation Wing", "CP Peshawar", AgencyKind.PRISON, "Peshawar"),
    ("Sabaoon Counselling Centre", "Sabaoon", AgencyKind.COUNSELLING, "Swat"),
    ("Probation and Reclamation Department Swat", "Probation Swat", AgencyKind.PROBATION, "Swat"),
    ("District Police Swat, Liaison Cell", "Police Swat", AgencyKind.POLICE, "Swat"),
    ("Social Welfare Department Mardan", "SWD Mardan", AgencyKind.SOCIAL_WELFARE, "Mardan"),
    ("Technical and Vocational Training Authority", "TEVTA", AgencyKind.EDUCATION, "Peshawar"),
    ("District Health Office Swat, Mental Health Unit", "DHO Swat", AgencyKind.HEALTH, "Swat"),
    ("Swat Community Elders Liaison", "Elders Liaison", AgencyKind.FAMILY_LIAISON, "Swat"),
    ("Legal Aid Society Peshawar", "Legal Aid", AgencyKind.LEGAL, "Peshawar"),
]

# (username, first, last, role, agency short name): one log-in per role first.
DEMO_USERS = [
    ("caseworker", "Ayesha", "Khan", Role.CASEWORKER, "Probation Swat"),
    ("supervisor", "Imran", "Yousafzai", Role.SUPERVISOR, "Probation Swat"),
    ("auditor", "Sadia", "Malik", Role.AUDITOR, "Legal Aid"),
    ("admin", "Bilal", "Ahmed", Role.ADMINISTRATOR, "Probation Swat"),
    ("prison.officer", "Tariq", "Shah", Role.CASEWORKER, "CP Peshawar"),
    ("counsellor", "Nadia", "Hussain", Role.CASEWORKER, "Sabaoon"),
    ("police.liaison", "Kamran", "Afridi", Role.CASEWORKER, "Police Swat"),
    ("welfare.officer", "Rubina", "Bibi", Role.CASEWORKER, "SWD Mardan"),
    ("tevta.instructor", "Farhan", "Qureshi", Role.CASEWORKER, "TEVTA"),
    ("psychiatrist", "Hina", "Javed", Role.CASEWORKER, "DHO Swat"),
    ("elders.liaison", "Gul", "Zaman", Role.CASEWORKER, "Elders Liaison"),
    ("prison.supervisor", "Asad", "Mehmood", Role.SUPERVISOR, "CP Peshawar"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    agency: str


def seed_agencies_and_users() -> list[DemoLogin]:
    """Create the demo agencies and users once; return the log-ins to print."""
    agencies = {}
    for name, short, kind, district in DEMO_AGENCIES:
        agencies[short] = AgencyFactory(name=name, short_name=short, kind=kind, district=district)
    logins = []
    for username, first, last, role, agency_short in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            UserFactory(
                username=username,
                first_name=first,
                last_name=last,
                role=role,
                agency=agencies[agency_short],
                password=DEMO_PASSWORD,
            )
        logins.append(DemoLogin(username, Role(role).label, agencies[agency_short].name))
    return logins


def demo_agency(short_name: str) -> Agency:
    return Agency.objects.get(short_name=short_name)
