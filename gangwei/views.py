from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from gangwei.forms import RegistrationForm
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
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"注册成功，欢迎 {user.organisation.name}。现在可以填写申报表了。")
        return redirect(reverse("applications:list"))
    return render(request, "registration/register.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link also lifts a login lockout (django-axes)."""

    def form_valid(self, form):
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Shown when a form is posted after the session expired or the page was open too long."""
    return render(request, "csrf_failure.html", status=403)
