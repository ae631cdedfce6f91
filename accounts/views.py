from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from .forms import SignInForm
from .home import home_sections


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def home(request):
    """The landing page after sign-in: one section per role the user holds. When it shows
    patients, one audit entry names them."""
    from intake.audit import record_view

    context = home_sections(user=request.user)
    if context["patients_shown"]:
        record_view(page="home", patients=context["patients_shown"])
    return render(request, "accounts/home.html", context)


@require_POST
def keepalive(request):
    """Called by the page when the person is typing or clicking without a server round trip,
    so that real activity keeps the session open (the middleware records it)."""
    return HttpResponse(status=204)
