"""The parts of allauth we use, under /accounts/: sign-in with its two-factor step,
sign-out, changing one's own password, password step-up, the two-factor pages
(accounts/2fa/) and the user's own sessions (accounts/sessions/, our view over allauth's
usersessions rows). Not mounted: sign-up
(accounts are made by administrators), email addresses and password reset by email."""

from allauth.account import views as account_views
from django.urls import include, path

from casemgmt.views import user_sessions

urlpatterns = [
    path("login/", account_views.login, name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("password/change/", account_views.password_change, name="account_change_password"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", include("allauth.mfa.urls")),
    # allauth's own page ends only "all other sessions"; ours also ends one.
    path("sessions/", user_sessions.session_list, name="usersessions_list"),
]
