"""The demo data as rows: agencies, log-ins, the people of the hand-written cases."""

from enum import StrEnum
from typing import NamedTuple

from casemgmt.models import AgencyKind
from casemgmt.roles import Role


class DemoAgency(NamedTuple):
    name: str
    short_name: str
    kind: str
    district: str


class DemoUser(NamedTuple):
    username: str
    first_name: str
    last_name: str
    role: str
    agency: str  # the agency's short name
    juvenile_trained: bool = False


class Story(StrEnum):
    """What happens to a hand-written case beyond walking its path."""

    PLAIN = ""
    # The last move waits for a supervisor's approval.
    PENDING_APPROVAL = "pending"
    # An open escalation on a restricted case that only its allow-list may open.
    RESTRICTED_ESCALATION = "escalation"
    # A minor: the juvenile track (trained staff and the programme's supervisors only).
    JUVENILE = "juvenile"


class DemoPerson(NamedTuple):
    name: str
    cnic: str
    date_of_birth: str
    district: str
    category: int  # index into the group categories, by primary key
    final_stage: str  # the stage key the case is walked to
    lead: str  # the lead agency's short name
    story: Story = Story.PLAIN
    sex: str = "male"


A = DemoAgency
DEMO_AGENCIES = [
    A("Central Prison Peshawar, Rehabilitation Wing", "CP Peshawar", AgencyKind.PRISON, "Peshawar"),
    A("Sabaoon Counselling Centre", "Sabaoon", AgencyKind.COUNSELLING, "Swat"),
    A("Probation and Reclamation Department Swat", "Probation Swat", AgencyKind.PROBATION, "Swat"),
    A("District Police Swat, Liaison Cell", "Police Swat", AgencyKind.POLICE, "Swat"),
    A("Social Welfare Department Mardan", "SWD Mardan", AgencyKind.SOCIAL_WELFARE, "Mardan"),
    A("Technical and Vocational Training Authority", "TEVTA", AgencyKind.EDUCATION, "Peshawar"),
    A("District Health Office Swat, Mental Health Unit", "DHO Swat", AgencyKind.HEALTH, "Swat"),
    A("Swat Community Elders Liaison", "Elders Liaison", AgencyKind.FAMILY_LIAISON, "Swat"),
    A("Legal Aid Society Peshawar", "Legal Aid", AgencyKind.LEGAL, "Peshawar"),
]

# The agencies' names in Urdu, by short name: (name, short name).
AGENCY_URDU = {
    "CP Peshawar": ("سنٹرل جیل پشاور، بحالی ونگ", "سنٹرل جیل پشاور"),
    "Sabaoon": ("صباؤن مشاورتی مرکز", "صباؤن"),
    "Probation Swat": ("محکمہ پروبیشن و بحالی سوات", "پروبیشن سوات"),
    "Police Swat": ("ضلعی پولیس سوات، رابطہ سیل", "پولیس سوات"),
    "SWD Mardan": ("محکمہ سماجی بہبود مردان", "سماجی بہبود مردان"),
    "TEVTA": ("ٹیکنیکل اینڈ ووکیشنل ٹریننگ اتھارٹی", "ٹیوٹا"),
    "DHO Swat": ("ضلعی دفتر صحت سوات، ذہنی صحت یونٹ", "ضلعی دفتر صحت سوات"),
    "Elders Liaison": ("سوات کے عمائدین سے رابطہ", "عمائدین سے رابطہ"),
    "Legal Aid": ("لیگل ایڈ سوسائٹی پشاور", "قانونی امداد"),
}

# The demo's facilities, English name -> Urdu name.
FACILITY_URDU = {
    "Central Prison Peshawar, Rehabilitation Block": "سنٹرل جیل پشاور، بحالی بلاک",
    "District Jail Swat, Education Wing": "ڈسٹرکٹ جیل سوات، تعلیمی ونگ",
    "District Jail Swat, De-radicalisation Wing": (
        "ڈسٹرکٹ جیل سوات، انتہاپسندانہ نظریات سے دوری کا ونگ"
    ),
}

# One log-in per role first: the README lists these.
U = DemoUser
DEMO_USERS = [
    U("caseworker", "Ayesha", "Khan", Role.CASEWORKER, "Probation Swat"),
    U("supervisor", "Imran", "Yousafzai", Role.SUPERVISOR, "Probation Swat"),
    U("auditor", "Sadia", "Malik", Role.AUDITOR, "Legal Aid"),
    U("admin", "Bilal", "Ahmed", Role.ADMINISTRATOR, "Probation Swat"),
    U("prison.officer", "Tariq", "Shah", Role.CASEWORKER, "CP Peshawar"),
    U("counsellor", "Nadia", "Hussain", Role.CASEWORKER, "Sabaoon", juvenile_trained=True),
    U("police.liaison", "Kamran", "Afridi", Role.CASEWORKER, "Police Swat"),
    U("welfare.officer", "Rubina", "Bibi", Role.CASEWORKER, "SWD Mardan"),
    U("tevta.instructor", "Farhan", "Qureshi", Role.CASEWORKER, "TEVTA"),
    U("psychiatrist", "Hina", "Javed", Role.CASEWORKER, "DHO Swat"),
    U("elders.liaison", "Gul", "Zaman", Role.CASEWORKER, "Elders Liaison"),
    U("prison.supervisor", "Asad", "Mehmood", Role.SUPERVISOR, "CP Peshawar"),
    # The one juvenile-trained caseworker: the juvenile cases are hers.
    U("youth.worker", "Sana", "Gul", Role.CASEWORKER, "Probation Swat", juvenile_trained=True),
]

# The context beside each group category (P5), neutral and factual, by category index.
GROUP_CONTEXTS = [
    "Recruited at 17 through a cousin; carried supplies, no combat role reported.",
    "Joined with friends from the madrassa; guard duty for two years, surrendered.",
    "Followed her husband; cooked and kept house at the camp, left after his death.",
    "Local recruitment during the conflict; fought for eight months, then fled.",
    "Drawn in through online contacts; distributed material, no travel abroad.",
    "Taken as a boy by the group; messenger duties until the army's operation.",
]

# Why a case conference chose each default band: the stories and the generated cases.
CLASSIFICATION_REASONS = {
    "low": "Stable family support, no contact with the group since arrest, engaged in education.",
    "moderate": "Some ideological commitment remains; family support present but strained.",
    "high": "Combat experience and a continuing tie to a listed commander; few protective factors.",
}

# The people of the hand-written cases, at every stage of the default programme.
P = DemoPerson
CP, PS = "CP Peshawar", "Probation Swat"
DEMO_PEOPLE = [
    P("Abdul Wahid", "15602-1000001-1", "1994-02-11", "Swat", 0, "referral", PS),
    P("Sher Ali Khan", "15602-1000002-3", "1989-07-23", "Dir", 0, "referral", CP),
    P("Gul Rahman", "15602-1000003-5", "1996-11-02", "Swat", 1, "intake", PS),
    P("Zahid Ullah", "17301-1000004-7", "1991-05-30", "Peshawar", 2, "intake", CP),
    P("Noor Muhammad", "16101-1000005-9", "1987-01-15", "Mardan", 0, "case_conference", CP),
    P("Ihsanullah", "15602-1000006-1", "1993-09-09", "Shangla", 3, "case_conference", PS),
    P("Fazal Hadi", "15602-1000007-3", "1985-03-03", "Swat", 0, "prison_rehabilitation", CP),
    P("Rahim Dad", "17301-1000008-5", "1990-12-12", "Peshawar", 1, "prison_rehabilitation", CP),
    P("Bakht Zada", "15602-1000009-7", "1992-06-18", "Swat", 4, "prison_rehabilitation", CP),
    P("Shah Faisal", "16101-1000010-9", "1995-08-21", "Mardan", 0, "counselling", PS),
    P("Shazia Bibi", "15602-1000011-1", "1988-04-27", "Buner", 2, "counselling", CP, sex="female"),
    P("Muhammad Idrees", "15602-1000012-3", "1986-10-05", "Dir", 0, "release_preparation", CP),
    P(
        "Saif ur Rehman",
        "17301-1000013-5",
        "1993-02-14",
        "Peshawar",
        1,
        "release_preparation",
        CP,
        Story.PENDING_APPROVAL,
    ),
    P("Hazrat Bilal", "15602-1000014-7", "1990-01-01", "Swat", 0, "released", CP),
    P(
        "Khan Zeb",
        "15602-1000015-9",
        "1984-07-07",
        "Swat",
        3,
        "released",
        CP,
        Story.RESTRICTED_ESCALATION,
    ),
    P("Farzana Gul", "16101-1000016-1", "1991-09-19", "Mardan", 0, "released", CP, sex="female"),
    P("Asfandyar", "15602-1000017-3", "1989-05-05", "Swat", 1, "completed", CP),
    P("Tahir Mehmood", "17301-1000018-5", "1994-03-25", "Peshawar", 2, "exited", PS),
    P("Javed Akhtar", "15602-1000019-7", "1987-12-30", "Swat", 0, "suspended", CP),
    P("Rashid Minhas", "15602-1000020-9", "2010-04-10", "Swat", 5, "intake", PS, Story.JUVENILE),
    P(
        "Usman Ghani",
        "15602-1000021-1",
        "2009-09-01",
        "Swat",
        2,
        "case_conference",
        PS,
        Story.JUVENILE,
    ),
]

# The path through the default programme to each final stage.
_TO_RELEASE = [
    "referral",
    "intake",
    "case_conference",
    "prison_rehabilitation",
    "counselling",
    "release_preparation",
    "released",
]
PATHS = {key: _TO_RELEASE[: index + 1] for index, key in enumerate(_TO_RELEASE)}
PATHS["completed"] = [*_TO_RELEASE, "completed"]
PATHS["exited"] = ["referral", "intake", "exited"]
PATHS["suspended"] = [*_TO_RELEASE, "suspended"]

# Stages after which a case has been released into the community.
RELEASED_STAGES = {"released", "completed", "suspended"}
# Stages by which a case has structured assessments and an intervention.
ASSESSED_STAGES = {"prison_rehabilitation", "counselling", "release_preparation", *RELEASED_STAGES}

# (category, visibility, body): a case gets the first 2 to 5 of these.
NOTE_TEXTS = [
    ("custody_conduct", "case_team", "Attends classes regularly; no conduct reports this month."),
    (
        "counselling",
        "case_team",
        "Session focused on anger and grief after the death of a brother.",
    ),
    ("family", "case_team", "Mother visited; family ready to receive him and supports the plan."),
    (
        "security_concern",
        "my_agency",
        "Visitor log shows a contact previously linked to the group.",
    ),
    ("education", "case_team", "Passed the electrician module assessment."),
]
# Who writes each category of note (a username, or the case's writer).
NOTE_AUTHORS = {
    "counselling": "counsellor",
    "family": "caseworker",
    "security_concern": "police.liaison",
    "education": "tevta.instructor",
}

# Word lists for the bulk seeder's generated people.
# fmt: off
FIRST_NAMES = [
    "Abdul", "Ahmad", "Akbar", "Amin", "Anwar", "Arif", "Asad", "Aziz", "Bashir", "Bilal", "Farid",
    "Fazal", "Gul", "Habib", "Hamid", "Hanif", "Haroon", "Idrees", "Imran", "Iqbal", "Jamal",
    "Javed", "Kamal", "Karim", "Khalid", "Latif", "Majid", "Nadir", "Naeem", "Nasir", "Noor",
    "Qadir", "Rafiq", "Rahim", "Rashid", "Saeed", "Salim", "Shafiq", "Sher", "Tariq", "Umar",
    "Wahid", "Yasin", "Zahid",
]
FEMALE_FIRST_NAMES = [
    "Amina", "Ayesha", "Bushra", "Farzana", "Gulalai", "Hina", "Khadija", "Mehwish", "Nasreen",
    "Rabia", "Saima", "Shazia", "Zainab", "Zarmina",
]
LAST_NAMES = [
    "Afridi", "Ahmed", "Ali", "Durrani", "Gul", "Hussain", "Iqbal", "Jan", "Khan", "Khattak",
    "Mehsud", "Mohmand", "Orakzai", "Qureshi", "Rahman", "Shah", "Shinwari", "Swati", "Ullah",
    "Wazir", "Yousafzai", "Zaman",
]
# fmt: on
DISTRICTS = ["Swat", "Dir", "Peshawar", "Mardan", "Bajaur", "Khyber", "Buner", "Shangla"]
