from allauth.account import views as account_views
from django.urls import path

from casemgmt.views import (
    assessments,
    audit_trail,
    caseload,
    cases,
    collaboration,
    departed_work,
    health,
    home,
    oversight,
    people,
    person_corrections,
    session,
    workflow,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # allauth's sign-in (with its two-factor step) and sign-out, under our names too; the
    # rest of allauth (two-factor pages) is mounted in config/urls.py.
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/keep-alive/", session.keep_alive, name="session_keep_alive"),
    path("cases/", caseload.caseload, name="caseload"),
    path("cases/<str:reference>/", cases.case_detail_view, name="case_detail"),
    path("cases/<str:reference>/timeline/", cases.case_timeline_view, name="case_timeline"),
    path("cases/<str:reference>/add/<slug:kind>/", cases.record_add, name="record_add"),
    path(
        "cases/<str:reference>/records/<slug:action>/<int:pk>/",
        cases.record_action,
        name="record_action",
    ),
    path("cases/<str:reference>/assign/", cases.assign_caseworker, name="assign_caseworker"),
    path("cases/<str:reference>/move/", workflow.stage_move, name="stage_move"),
    path("cases/<str:reference>/print/", cases.case_print_view, name="case_print"),
    path("cases/<str:reference>/history/", cases.case_history_view, name="case_history"),
    # Before decide_move, whose pattern would take "withdraw" as a decision.
    path("moves/<int:pk>/withdraw/", workflow.withdraw_move, name="move_withdraw"),
    path(
        "moves/<int:pk>/<str:decision>/",
        workflow.decide_move,
        name="decide_move",
    ),
    path("approvals/", workflow.approvals, name="approvals"),
    path("audit/", audit_trail.trail_search, name="audit_trail"),
    path("oversight/", oversight.oversight_report, name="oversight_report"),
    path("oversight/report.csv", oversight.oversight_report_csv, name="oversight_report_csv"),
    path("audit/verify/", audit_trail.trail_verify, name="audit_verify"),
    path(
        "audit/emergency-access/",
        audit_trail.trail_emergency_access,
        name="audit_emergency_access",
    ),
    path("audit/cases/<str:reference>/", audit_trail.trail_case_history, name="audit_case"),
    path(
        "audit/people/<str:reference>/reads/",
        audit_trail.trail_person_reads,
        name="audit_person_reads",
    ),
    path("supervision/departed-work/", departed_work.departed_work, name="departed_work"),
    path("cases/<str:reference>/notes/", collaboration.note_list, name="note_list"),
    path("cases/<str:reference>/notes/<int:pk>/", collaboration.note_history, name="note_history"),
    path("cases/<str:reference>/access/", collaboration.case_access, name="case_access"),
    path("referrals/<int:pk>/", collaboration.referral_respond, name="referral_respond"),
    path("break-glass/", collaboration.break_glass_view, name="break_glass"),
    path("inbox/", collaboration.inbox, name="inbox"),
    path(
        "cases/<str:reference>/assessments/new/",
        assessments.assessment_new,
        name="assessment_new",
    ),
    path(
        "cases/<str:reference>/assessments/<int:pk>/",
        assessments.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "cases/<str:reference>/assessments/<int:pk>/clinical/",
        assessments.assessment_clinical,
        name="assessment_clinical",
    ),
    path(
        "cases/<str:reference>/interventions/<int:pk>/",
        assessments.intervention_detail,
        name="intervention_detail",
    ),
    path("facilities/", assessments.facility_list, name="facility_list"),
    path(
        "inbox/notifications/<int:pk>/read/",
        collaboration.notification_read,
        name="notification_read",
    ),
    path("people/register/", people.person_register, name="person_register"),
    path(
        "people/held/<int:pk>/",
        people.held_registration_review,
        name="held_registration_review",
    ),
    path("people/<str:reference>/", people.person_detail, name="person_detail"),
    path(
        "people/<str:reference>/verify-identity/",
        people.person_verify_identity,
        name="person_verify_identity",
    ),
    path("people/<str:reference>/merge/", people.person_merge, name="person_merge"),
    path(
        "people/<str:reference>/unmerge/<int:merge_id>/",
        people.person_unmerge,
        name="person_unmerge",
    ),
    path("people/<str:reference>/open-case/", people.person_open_case, name="person_open_case"),
    path(
        "people/<str:reference>/correct/",
        person_corrections.person_correct,
        name="person_correct",
    ),
]
