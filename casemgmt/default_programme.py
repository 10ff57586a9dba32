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

# The programme's cadences (P1), set by ``apply_settings`` (migration 0021) since the
# fields are younger than ``install``'s migration. DOMAIN.md: reassess every 6 months in
# custody, every 3 months in the community, monthly around a release decision.
SETTINGS = {
    "initial_assessment_days": 30,
    "missed_contact_grace_days": 3,
    "emergency_access_hours": 4,
}
# Stage key -> reassessment interval in days (terminal stages have none in effect).
REASSESSMENT_DAYS = {
    "referral": 30,
    "intake": 183,
    "case_conference": 183,
    "prison_rehabilitation": 183,
    "counselling": 183,
    "release_preparation": 30,
    "released": 91,
    "suspended": 30,
}
# The classification bands (concern levels) and the monitoring each implies by default
# (DOMAIN.md): (code, name, rank, contact frequency, multi-agency review frequency).
CLASSIFICATION_BANDS = [
    ("low", "Low concern", 1, "monthly", "six_monthly"),
    ("moderate", "Moderate concern", 2, "fortnightly", "quarterly"),
    ("high", "High concern", 3, "weekly", "monthly"),
]

# A release review older than this no longer satisfies the release gate.
RELEASE_REVIEW_MAX_AGE_DAYS = 60

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

# The ``move_reason`` gate of each side move: its reasons, and which need an authority
# dated on or after the case entered its stage (for a recall: after the release).
RECALL_REASON = {
    "reasons": ["recalled", "rearrested", "absconded"],
    "authority_for": ["recalled", "rearrested"],
    "authority_kinds": ["recall_order", "arrest_warrant"],
}
CUSTODY_SUSPENSION_REASON = {
    "reasons": ["court_proceedings", "medical", "absconded"],
    "authority_for": ["court_proceedings"],
    "authority_kinds": ["court_order", "detention_order"],
}
EXIT_REASON = {
    "reasons": ["withdrawn", "transferred", "deceased"],
    "authority_for": ["transferred"],
    "authority_kinds": ["transfer_order", "court_order"],
}
COMPLETION_REASON = {"reasons": ["term_ended", "plan_completed"]}
# When consent is withdrawn the case proposes the move into this stage.
CONSENT_WITHDRAWAL_STAGE = "exited"

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
                    "max_age_days": RELEASE_REVIEW_MAX_AGE_DAYS,
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
            ("move_reason", COMPLETION_REASON),
        ],
    ),
    # Recall or re-arrest: only under a recall authority dated after the release (P8).
    (
        "released",
        "suspended",
        "Suspend (recall, re-arrest, absconded)",
        True,
        [CW, SV],
        [("move_reason", RECALL_REASON)],
    ),
    (
        "prison_rehabilitation",
        "suspended",
        "Suspend",
        True,
        [CW, SV],
        [("move_reason", CUSTODY_SUSPENSION_REASON)],
    ),
    (
        "counselling",
        "suspended",
        "Suspend",
        True,
        [CW, SV],
        [("move_reason", CUSTODY_SUSPENSION_REASON)],
    ),
    (
        "release_preparation",
        "suspended",
        "Suspend",
        True,
        [CW, SV],
        [("move_reason", CUSTODY_SUSPENSION_REASON)],
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
        transition = Transition.objects.create(
            programme=programme,
            from_stage=stages[from_key],
            to_stage=stages["exited"],
            name="Exit (withdrawn, transferred, deceased)",
            requires_approval=True,
            allowed_roles=[CW, SV],
        )
        TransitionGate.objects.create(transition=transition, gate="move_reason", params=EXIT_REASON)
    if hasattr(programme, "consent_withdrawal_stage"):  # migration 0004 predates the field
        programme.consent_withdrawal_stage = stages[CONSENT_WITHDRAWAL_STAGE]
        programme.save(update_fields=["consent_withdrawal_stage"])
    if any(f.name == "custody" for f in Stage._meta.get_fields()):
        # Installed after the migration that adds the field (tests' re-install).
        from casemgmt.default_programme_upgrades import mark_custodial_stages

        mark_custodial_stages(apps)
    if "ClassificationBand" in {m.__name__ for m in apps.get_models()}:
        from casemgmt.default_programme_upgrades import install_classification_bands

        install_classification_bands(apps)
