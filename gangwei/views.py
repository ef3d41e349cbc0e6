
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from gangwei import phrases
from gangwei.dates import format_datetime
from gangwei.deadlines import current_campaign, stage_closes_at, within
from gangwei.forms import RegistrationForm, SetPasswordForm
from gangwei.models import Organisation, Stage
from gangwei.roles import Role, role_of
from gangwei.services import unit_register

HOME_BY_ROLE = {Role.APPLICANT: "applications:list", Role.REVIEWER: "review:queue", Role.CITY: "review:city"}


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    role = role_of(request.user)
    if role in HOME_BY_ROLE:
        return redirect(HOME_BY_ROLE[role])
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "no_role.html")


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = unit_register(
            unit_name=data["unit_name"],
            credit_code=data["credit_code"],
            parent=data["parent"],
            contact_name=data["contact_name"],
            phone=data["phone"],
            email=data["email"],
            username=data["username"],
            password=data["password1"],
        )
        login(request, user, backend="gangwei.auth_backends.OrganisationModelBackend")
        unit = user.organisation
        level, note = _apply_window_note(unit)
        messages.add_message(request, level, phrases.REGISTERED.format(unit=unit.name) + note)
        return redirect(reverse("applications:list"))
    return render(request, "registration/register.html", {"form": form})


def _apply_window_note(unit: Organisation) -> tuple[int, str]:
    """What a unit that has just registered can do now: the APPLY window of the current campaign,
    with the extensions of its 初审 body (a new unit has none of its own)."""
    campaign = current_campaign()
    if campaign is None:
        return messages.INFO, phrases.REGISTERED_NO_CAMPAIGN
    closes_at = stage_closes_at(campaign, Stage.APPLY, unit)
    if timezone.now() < campaign.opens_at:
        return messages.INFO, phrases.REGISTERED_APPLY_NOT_YET.format(year=campaign.year, opens=format_datetime(campaign.opens_at))
    if within(campaign.opens_at, closes_at):
        return messages.SUCCESS, phrases.REGISTERED_APPLY_OPEN.format(closes=format_datetime(closes_at))
    return messages.WARNING, phrases.REGISTERED_APPLY_CLOSED.format(
        year=campaign.year, closes=format_datetime(closes_at), body=unit.parent.label
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link also lifts a login lockout (django-axes)."""

    form_class = SetPasswordForm

    def form_valid(self, form):
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Shown when a form is posted after the session expired or the page was open too long."""
    return render(request, "csrf_failure.html", status=403)
