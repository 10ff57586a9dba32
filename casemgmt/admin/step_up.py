"""Step-up in the admin: the screens that change who may sign in or see what ask the
administrator to prove again who they are first (the policy: casemgmt/auth/step_up.py)."""

from functools import wraps

from casemgmt.auth.step_up import step_up_required


class StepUpAdminMixin:
    """Guards this admin's add, change and delete pages (a GET asks first and comes back;
    a POST without a fresh step-up saves nothing), every action posted from its list, and
    the views named in ``step_up_url_names``. The guard runs inside the admin's own checks
    only for someone the admin lets in; anyone else gets the admin's answer."""

    step_up_views = ("add", "change", "delete")
    step_up_url_names: tuple[str, ...] = ()

    def get_urls(self):
        urls = super().get_urls()
        prefix = f"{self.opts.app_label}_{self.opts.model_name}_"
        whole = {prefix + view for view in self.step_up_views} | set(self.step_up_url_names)
        for pattern in urls:
            if pattern.name in whole:
                pattern.callback = self._stepped_up(pattern.callback)
            elif pattern.name == prefix + "changelist":
                pattern.callback = self._stepped_up(pattern.callback, methods=("POST",))
        return urls

    def _stepped_up(self, view, methods=None):
        guarded = step_up_required(view, methods=methods)

        @wraps(view)
        def admin_view(request, *args, **kwargs):
            if not self.admin_site.has_permission(request):
                return view(request, *args, **kwargs)
            return guarded(request, *args, **kwargs)

        return admin_view
