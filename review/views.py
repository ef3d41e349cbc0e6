"""The reviewing side. This stage of the house lists what each body may see; decisions come next."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from applications.selectors import applications_as_seen_by
from gangwei.roles import is_city, is_reviewer


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not is_reviewer(request.user):
        raise PermissionDenied("只有初审单位账号可以查看初审队列。")
    return render(
        request,
        "review/list.html",
        {"title": f"{request.user.organisation.label} 辖区申报", "applications": applications_as_seen_by(request.user)},
    )


@login_required
def city(request: HttpRequest) -> HttpResponse:
    if not is_city(request.user):
        raise PermissionDenied("只有市妇联宣发部账号可以查看。")
    return render(
        request,
        "review/list.html",
        {"title": "各初审单位已报送的申报", "applications": applications_as_seen_by(request.user)},
    )
