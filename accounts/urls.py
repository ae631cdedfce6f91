from django.contrib.auth import views as auth_views
from django.urls import path

from . import twofactor, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("2fa/verify/", twofactor.verify, name="2fa_verify"),
    path("2fa/setup/", twofactor.setup, name="2fa_setup"),
    path("security/", twofactor.security, name="account_security"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
