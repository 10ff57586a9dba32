"""The default programme shipped with the product (DOMAIN.md, the forum's model).

Plain data, installed by a data migration; administrators change it in the
admin afterwards. ``install`` takes a migration's historical ``apps``.
"""

CW, SV = "caseworker", "supervisor"

PROGRAMME = {
    "code": "default",
    "name": "Rehabilitation and Reintegration Programme",
    "description": (
        "The forum's model: screening, individual assessment, a multi-agency case "
        "conference, rehabilitation in prison and counselling, release preparation, "
        "and monitoring after release, in one continuous case."
    ),
    "legal_framework": (
        "Set by Parliament and exercised under the Constitution; custodial and release "
        "decisions cite the statute, court or detention order that authorises them."
    ),
    "exclusion_rule": "No blood on hands",
    "uses_undertaking": True,
}

# (key, name, order, kind, is_start, is_terminal)
STAGES = [
    ("referral", "Referral & screening", 1, "intake", True, False),
    ("intake", "Intake & initial assessment", 2, "assessment", False, False),
    ("case_conference", "Case conference & plan", 3, "assessment", False, False),
    ("prison_rehabilitation", "Prison rehabilitation", 4, "custody", False, False),
    ("counselling", "Counselling & coaching", 5, "counselling", False, False),
    ("release_preparation", "Release preparation", 6, "release_preparation", False, False),
    ("released", "Released: reintegration & monitoring", 7, "community", False, False),
    ("completed", "Completed", 8, "completed", False, True),
    ("exited", "Exited", 9, "exited", False, True),
    ("suspended", "Suspended", 10, "suspended", False, False),
]

# Where the person is held (Stage.custody): entering a custodial stage opens a placement,
# entering a "not held" one ends it. The other stages keep whatever placement there is:
# counselling and release preparation happen in custody or after community counselling,
# and a case referred from prison keeps the facility it was registered with.
CUSTODIAL_STAGES = ("prison_rehabilitation",)
NOT_HELD_STAGES = ("released", "completed", "exited", "suspended")

CUSTODIAL_AUTHORITY = ["court_order", "detention_order", "statutory_listing"]

# (from, to, name, requires_approval, roles, [(gate, params)])
TRANSITIONS = [
    (
        "referral",
        "intake",
        "Accept after screening",
        False,
        [CW, SV],
        [
            ("identity_verified", {}),
            ("legal_authority_recorded", {"kinds": [*CUSTODIAL_AUTHORITY, "voluntary_referral"]}),
            ("eligible", {}),
        ],
    ),
    (
        "intake",
        "case_conference",
        "Ready for case conference",
        False,
        [CW, SV],
        [
            ("consent_signed", {}),
            ("initial_assessment_reviewed", {}),
            ("juvenile_safeguards", {}),
        ],
    ),
    (
        "case_conference",
        "prison_rehabilitation",
        "Place in prison rehabilitation",
        True,
        [CW, SV],
        [
            (
                "multi_agency_review",
                {
                    "review_kind": "case_conference",
                    "required_agency_kinds": ["prison", "counselling"],
                },
            ),
            ("legal_authority_recorded", {"kinds": ["court_order", "detention_order"]}),
        ],
    ),
    (
        "case_conference",
        "counselling",
        "Place in counselling & coaching",
        True,
        [CW, SV],
        [
            (
                "multi_agency_review",
                {"review_kind": "case_conference", "required_agency_kinds": ["counselling"]},
            ),
        ],
    ),
    (
        "prison_rehabilitation",
        "counselling",
        "Move to intensive counselling",
        False,
        [CW, SV],
        [("assessment_recent", {"max_age_days": 183}), ("min_time_in_stage", {"days": 30})],
    ),
    (
        "prison_rehabilitation",
        "release_preparation",
        "Begin release preparation",
        True,
        [CW, SV],
        [("assessment_recent", {"max_age_days": 183}), ("no_open_escalation", {})],
    ),
    (
        "counselling",
        "release_preparation",
        "Begin release preparation",
        True,
        [CW, SV],
        [("assessment_recent", {"max_age_days": 183}), ("no_open_escalation", {})],
    ),
    (
        "release_preparation",
        "released",
        "Release",
        True,
        [CW, SV],
        [
            ("assessment_recent", {"max_age_days": 30}),
            ("renunciation_violence_verified", {}),
            ("renunciation_ideology_verified", {}),
            (
                "multi_agency_review",
                {
                    "review_kind": "release_review",
                    "required_agency_kinds": ["prison", "probation", "police", "counselling"],
                },
            ),
            ("release_decision_recorded", {}),
            ("receiving_agency_accepted", {}),
            ("undertaking_recorded", {}),
            ("monitoring_plan_exists", {}),
            ("no_open_escalation", {}),
        ],
    ),
    (
        "released",
        "completed",
        "Complete (legal term ended)",
        True,
        [CW, SV],
        [
            (
                "multi_agency_review",
                {"review_kind": "closure_review", "required_agency_kinds": ["probation"]},
            ),
            ("no_open_escalation", {}),
        ],
    ),
    # Recall or re-arrest: only under recorded legal authority.
    (
        "released",
        "suspended",
        "Suspend (recall, re-arrest, absconded)",
        True,
        [CW, SV],
        [
            (
                "legal_authority_recorded",
                {"kinds": ["recall_order", "court_order", "detention_order"]},
            )
        ],
    ),
    (
        "prison_rehabilitation",
        "suspended",
        "Suspend",
        True,
        [CW, SV],
        [],
    ),
    (
        "counselling",
        "suspended",
        "Suspend",
        True,
        [CW, SV],
        [],
    ),
    (
        "release_preparation",
        "suspended",
        "Suspend",
        True,
        [CW, SV],
        [],
    ),
    (
        "suspended",
        "prison_rehabilitation",
        "Return to prison rehabilitation",
        True,
        [CW, SV],
        [
            (
                "legal_authority_recorded",
                {"kinds": ["court_order", "detention_order", "recall_order"]},
            )
        ],
    ),
    (
        "suspended",
        "released",
        "Resume monitoring",
        True,
        [SV],
        [("no_open_escalation", {})],
    ),
    (
        "release_preparation",
        "prison_rehabilitation",
        "Return to prison rehabilitation",
        False,
        [CW, SV],
        [],
    ),
]

# Every non-terminal stage can exit (withdrawn, transferred, deceased), with approval.
EXIT_FROM = [key for key, _n, _o, _k, _s, terminal in STAGES if not terminal]

GROUP_CATEGORIES = [
    ("Armed group, regional", "An organised armed group operating in one region."),
    ("Armed group, transnational", "An armed group whose operations cross borders."),
    ("Sectarian armed group", "A group organised around sectarian violence."),
    ("Separatist armed group", "A group pursuing secession through violence."),
    ("Unaffiliated / self-initiated", "No established group; acted alone or in a small cell."),
    ("Not yet determined", "Category not yet established by screening."),
]


def install(apps, schema_editor=None) -> None:
    Programme = apps.get_model("casemgmt", "Programme")
    Stage = apps.get_model("casemgmt", "Stage")
    Transition = apps.get_model("casemgmt", "Transition")
    TransitionGate = apps.get_model("casemgmt", "TransitionGate")
    GroupCategory = apps.get_model("casemgmt", "GroupCategory")

    for name, description in GROUP_CATEGORIES:
        GroupCategory.objects.get_or_create(name=name, defaults={"description": description})

    if Programme.objects.filter(code=PROGRAMME["code"]).exists():
        return
    programme = Programme.objects.create(**PROGRAMME)
    stages = {}
    for key, name, order, kind, is_start, is_terminal in STAGES:
        stages[key] = Stage.objects.create(
            programme=programme,
            key=key,
            name=name,
            order=order,
            kind=kind,
            is_start=is_start,
            is_terminal=is_terminal,
        )
    for from_key, to_key, name, approval, roles, gate_list in TRANSITIONS:
        transition = Transition.objects.create(
            programme=programme,
            from_stage=stages[from_key],
            to_stage=stages[to_key],
            name=name,
            requires_approval=approval,
            allowed_roles=roles,
        )
        for order, (gate, params) in enumerate(gate_list):
            TransitionGate.objects.create(
                transition=transition, gate=gate, params=params, order=order
            )
    for from_key in EXIT_FROM:
        Transition.objects.create(
            programme=programme,
            from_stage=stages[from_key],
            to_stage=stages["exited"],
            name="Exit (withdrawn, transferred, deceased)",
            requires_approval=True,
            allowed_roles=[CW, SV],
        )
    if any(f.name == "custody" for f in Stage._meta.get_fields()):
        # Installed after the migration that adds the field (tests' re-install).
        mark_custodial_stages(apps)


def mark_custodial_stages(apps, schema_editor=None) -> None:
    """The default programme holds people in a facility in its prison stages."""
    stages = apps.get_model("casemgmt", "Stage").objects.filter(programme__code=PROGRAMME["code"])
    stages.filter(key__in=CUSTODIAL_STAGES).update(custody="held")
    stages.filter(key__in=NOT_HELD_STAGES).update(custody="not_held")
