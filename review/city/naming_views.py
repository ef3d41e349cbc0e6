"""The city's naming pages: the passed posts and their 命名 / 不予命名, the naming exports (naming list
PDF and xlsx, certificates PDF, volunteer roster xlsx); and the public pages: certificate
verification and the honour roll. City pages check the role first (unit, reviewer: 403)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from applications.access import applications_visible_to
from applications.models import Application, Status
from applications.tally import status_totals
from applications.workflow import StaleDecision, TransitionNotAllowed
from audit import audited_download
from gangwei.deadlines import StageClosed, stage_closes_at
from gangwei.models import Campaign, Stage
from gangwei.pagecache import cached_page
from gangwei.paging import page_of_rows
from review.city import phrases
from review.city.common import campaign_of_year, city_campaign, city_only, page_by_body
from review.city.forms_naming import NamingForm
from review.city.naming import (
    certificate_by_number,
    named_by_body,
    named_certificates,
    named_posts,
    named_years,
    naming_decide,
    not_named_posts,
    undecided_posts,
    verify_url,
)
from review.document_views import XLSX, _download

PDF = "application/pdf"
# Each list of the naming page shows this many posts a page.
NAMING_PAGE_SIZE = 30


def _form_for(key: str, data=None) -> NamingForm:
    # One form per row: ids carry the post's key (letters, digits, - and _ only; a posted key may
    # hold anything), so that labels and errors stay with their row.
    safe = re.sub(r"[^0-9A-Za-z_-]", "", key)[:40]
    return NamingForm(data, initial={"key": key}, auto_id=f"id_{safe}_%s")


def _page_number(request: HttpRequest) -> int:
    """The pending list's page asked for (a bad one: the first), kept through a decision's POST."""
    raw = str(request.GET.get("page") or "1")[:10]
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) > 0 else 1


def _naming_response(
    request: HttpRequest, campaign: Campaign, bound: NamingForm | None = None, *, status: int = 200, error: str = ""
):
    """The three lists, each a page (NAMING_PAGE_SIZE) of its own: what a page holds and costs does
    not grow with the campaign."""
    from review.documents.certificates import part_count

    passed = Application.objects.filter(campaign=campaign, status=Status.PASSED)
    pending = page_by_body(
        campaign,
        [Status.PASSED],
        passed,
        ("number", "pk"),
        str(_page_number(request)),
        NAMING_PAGE_SIZE,
        rows=undecided_posts(campaign),
    )
    rows = list(pending.object_list)
    bound_key = bound.data.get("key") if bound is not None else None
    matched = False
    for row in rows:
        if bound is not None and row.key == bound_key:
            row.form, matched = bound, True
        else:
            row.form = _form_for(row.key)
    certificates = named_certificates(campaign)
    named_count = certificates.count()
    named = page_of_rows(certificates, request.GET.get("named_page"), NAMING_PAGE_SIZE, named_count)
    refused = not_named_posts(campaign)
    not_named = page_of_rows(
        refused,
        request.GET.get("refused_page"),
        NAMING_PAGE_SIZE,
        sum(status_totals(statuses=[Status.NOT_NAMED], campaign_id=campaign.pk).values()),
    )
    parts = part_count(named_count)
    certificates_url = reverse("review:certificates_pdf")
    return render(
        request,
        "city/naming.html",
        {
            "campaign": campaign,
            "closes_at": stage_closes_at(campaign, Stage.NAMING, None),
            "today": timezone.localdate(),
            "rows": rows,
            "pending_page": pending,
            "named": named.object_list,
            "named_page": named,
            "not_named": not_named.object_list,
            "not_named_page": not_named,
            "certificate_parts": [{"number": n, "url": f"{certificates_url}?part={n}"} for n in range(1, parts + 1)]
            if named_count
            else [],
            "error": error,
            # A refused post that is no longer on the list (a colleague decided it): say so on top.
            "orphan_form": bound if bound is not None and not matched else None,
        },
        status=status,
    )


@login_required
@cached_page
def naming(request: HttpRequest) -> HttpResponse:
    city_only(request)
    campaign = city_campaign()
    if request.method != "POST":
        return _naming_response(request, campaign)
    form = _form_for(str(request.POST.get("key", ""))[:40], request.POST)
    if not form.is_valid():
        return _naming_response(request, campaign, form)
    application = (
        applications_visible_to(request.user)
        .filter(campaign=campaign, key=form.cleaned_data["key"])
        .select_related("campaign", "unit__parent")
        .first()
    )
    if application is None:
        form.add_error(None, phrases.NAMING_UNKNOWN_POST)
        return _naming_response(request, campaign, form, status=404)
    try:
        decided = naming_decide(
            user=request.user,
            application=application,
            name=form.wants_name,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return _naming_response(request, campaign, form)
    except StageClosed as exc:
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _naming_response(request, campaign, form, status=403, error=exc.message)
    except (StaleDecision, TransitionNotAllowed) as exc:
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _naming_response(request, campaign, form, status=409, error=exc.message)
    if form.wants_name:
        messages.success(
            request, phrases.NAMED_DONE.format(name=decided.display_name, number=decided.certificate.number)
        )
    else:
        messages.success(request, phrases.NOT_NAMED_DONE.format(name=decided.display_name))
    page = _page_number(request)
    return redirect(reverse("review:naming") + (f"?page={page}" if page > 1 else ""))


# --- exports --------------------------------------------------------------------------------------


@login_required
@audited_download
def naming_pdf(request: HttpRequest) -> HttpResponse:
    from review.documents.naming import naming_list_pdf

    city_only(request)
    campaign = city_campaign()
    content = naming_list_pdf(campaign, named_posts(campaign))
    return _download(content, PDF, f"{campaign.year}年度柳州市巾帼文明岗名单.pdf", "inline")


@login_required
@audited_download
def naming_xlsx(request: HttpRequest) -> HttpResponse:
    from review.documents.naming import naming_list_workbook

    city_only(request)
    campaign = city_campaign()
    content = naming_list_workbook(campaign, named_posts(campaign))
    return _download(content, XLSX, f"{campaign.year}年度柳州市巾帼文明岗名单.xlsx")


@login_required
@audited_download
def certificates_pdf(request: HttpRequest) -> HttpResponse:
    from review.documents.certificates import certificates_pdf as render_certificates
    from review.documents.certificates import part_count, part_of

    city_only(request)
    campaign = city_campaign()
    named = named_posts(campaign)
    if not named:
        raise Http404(phrases.NOTHING_NAMED)
    raw = str(request.GET.get("part", "1"))
    try:
        part = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 0
        chosen = part_of(named, part)
    except IndexError:
        raise Http404(phrases.NO_SUCH_PART) from None
    content = render_certificates(chosen, verify_url)
    suffix = f"-第{part}部分" if part_count(len(named)) > 1 else ""
    return _download(content, PDF, f"{campaign.year}年度柳州市巾帼文明岗证书{suffix}.pdf", "inline")


@login_required
@audited_download
def roster_xlsx(request: HttpRequest) -> HttpResponse:
    from review.documents.naming import roster_workbook

    city_only(request)
    campaign = city_campaign()
    content = roster_workbook(campaign, named_posts(campaign))
    return _download(content, XLSX, f"{campaign.year}年度柳州市巾帼志愿者队伍名册.xlsx")


# --- public pages ---------------------------------------------------------------------------------


def verify(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificate_by_number(number)
    if certificate is None:
        return render(request, "public/verify_missing.html", {"message": phrases.CERTIFICATE_NOT_FOUND}, status=404)
    return render(request, "public/verify.html", {"certificate": certificate})


def named(request: HttpRequest, year: int) -> HttpResponse:
    campaign = campaign_of_year(year)
    certificates = named_posts(campaign)
    return render(
        request,
        "public/named.html",
        {
            "campaign": campaign,
            "groups": named_by_body(certificates),
            "total": len(certificates),
            "years": [y for y in named_years() if y != campaign.year],
        },
    )


urlpatterns = [
    path("city/naming/", naming, name="naming"),
    path("city/naming/list.pdf", naming_pdf, name="naming_pdf"),
    path("city/naming/list.xlsx", naming_xlsx, name="naming_xlsx"),
    path("city/naming/certificates.pdf", certificates_pdf, name="certificates_pdf"),
    path("city/naming/roster.xlsx", roster_xlsx, name="roster_xlsx"),
    path("verify/<str:number>/", verify, name="verify"),
    path("named/<int:year>/", named, name="named"),
]
