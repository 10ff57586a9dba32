"""The signed-in user's sessions (accounts/sessions/): see where one is signed in, end one
session or every other one. Ending asks for the password again if it was last given more
than allauth's re-authentication timeout ago (ASVS 3.3.4)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from casemgmt.forms.user_sessions import EndSessionsForm
from casemgmt.selectors.user_sessions import user_session_list
from casemgmt.services.user_sessions import user_session_end, user_sessions_end


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(allow_get=True)
def session_list(request):
    form = EndSessionsForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        return _end(request, form.session_id())
    context = {"sessions": user_session_list(request=request), "form": form}
    return render(request, "usersessions/usersession_list.html", context)


def _end(request, session_id: int | None):
    user = request.user
    if session_id is None:
        ended = user_sessions_end(user=user, by=user, keep=request.session.session_key)
    else:
        ended = user_session_end(user=user, by=user, session_id=session_id)
    text = ngettext(
        "%(count)d session was signed out.", "%(count)d sessions were signed out.", ended
    ) % {"count": ended}
    messages.success(request, text)
    return redirect("usersessions_list")
