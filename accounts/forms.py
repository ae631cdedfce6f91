from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from .reauth import ReauthLocked, password_reconfirm


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match. Both are case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets max_length after the field is built, which adds no
        # validator: an over-long name would reach authentication and the lockout table.
        limit = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(MaxLengthValidator(limit))
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class GuardedPasswordChangeForm(PasswordChangeForm):
    """Changing one's password: a wrong current password counts toward the sign-in lockout
    (``accounts.reauth``), so a signed-in session cannot be used to guess it; when that locks
    the account, the session is signed out (``locked`` is then set)."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.locked = False

    def clean_old_password(self):

        old = self.cleaned_data["old_password"]
        try:
            ok = password_reconfirm(request=self.request, user=self.user, password=old)
        except ReauthLocked as exc:
            self.locked = True
            raise ValidationError(str(exc), code="locked") from None
        if not ok:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old
