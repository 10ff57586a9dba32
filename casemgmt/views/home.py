from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from casemgmt.selectors.departed_work import departed_work_count


@login_required
@require_safe
def home(request):
    # Supervisors only (no query for anyone else): disabled users' work to hand on.
    return render(
        request, "casemgmt/home.html", {"departed_work_count": departed_work_count(request.user)}
    )
