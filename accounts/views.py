from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .forms import GuardedPasswordChangeForm, SignInForm


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Wrong current passwords count toward the sign-in lockout; at the lockout the session
    is signed out and the person is sent to the sign-in page with the reason."""

    template_name = "registration/password_change.html"
    form_class = GuardedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        if form.locked:
            messages.error(self.request, form.errors["old_password"][0])
            return redirect("login")
        return super().form_invalid(form)


def admin_password_change(request, extra_context=None):
    """Administration's own password page counts nothing: it sends staff to ours."""
    return redirect("password_change")


@require_POST
def keepalive(request):
    """Called by the page when the person is typing or clicking without a server round trip,
    so that real activity keeps the session open (the middleware records it)."""
    return HttpResponse(status=204)
