from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from accounts import views as account_views
from config.health import healthz
from portal import views as portal_views

admin.site.site_header = "Stepwise administration"
admin.site.site_title = "Stepwise admin"
admin.site.index_title = "Rule tables and records"


@login_not_required
def admin_login(request, extra_context=None):
    """Admin signs in through the Stepwise sign-in page (lockout and two-factor apply there)."""
    if request.user.is_authenticated:
        raise PermissionDenied("This account has no access to administration.")
    return redirect_to_login(request.GET.get("next", "/admin/"))


admin.site.login = admin_login
admin.site.password_change = account_views.admin_password_change

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("", include("intake.urls")),
    path("", include("portal.urls")),
    path("", include("placement.urls")),
    path("", include("rulesets.editor.urls")),
    path("", include("audit.urls")),
    path("admin/", admin.site.urls),
]
