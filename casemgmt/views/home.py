from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from casemgmt.selectors.home import home_for


@login_required
@require_safe
def home(request):
    """Today's work for the user's role: counts that link to their lists, the moves the
    user asked for and the notes others added to their cases."""
    return render(request, "casemgmt/home.html", home_for(request.user))
