"""The 初审 documents as downloads: the body's 汇总表 (.xlsx), the bulk print of its 申报表 (PDF),
a filed 汇总表 exactly as filed, and the city-wide 汇总表. Every row is read through access.py."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from audit import audited_download
from gangwei.deadlines import current_campaign
from gangwei.models import Campaign
from gangwei.roles import Role, is_city, is_reviewer, role_of
from review import phrases
from review.documents.bulk_pdf import PART_SIZE, bulk_pdf, part_count, part_of
from review.documents.summary import summary_workbook
from review.models import SummaryReport
from review.selectors import reviewing_bodies, summary_applications

MAX_ID = 2**31 - 1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str, disposition: str = "attachment") -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _campaign() -> Campaign:
    campaign = current_campaign()
    if campaign is None:
        raise Http404(phrases.DOCS_NO_CAMPAIGN)
    return campaign


def _require_reviewer(request: HttpRequest) -> None:
    if not is_reviewer(request.user):
        raise PermissionDenied(phrases.ONLY_REVIEWER)


@login_required
@audited_download
def summary_xlsx(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    campaign = _campaign()
    body = request.user.organisation
    content = summary_workbook(user=request.user, campaign=campaign, bodies=[body])
    return _download(content, XLSX, f"附件2-汇总表-{campaign.year}-{body.label}.xlsx")


@login_required
@audited_download
def summary_pdf(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    campaign = _campaign()
    body = request.user.organisation
    applications = summary_applications(request.user, campaign, body)
    parts = part_count(len(applications))
    raw_part = request.GET.get("part")
    if raw_part is None and parts > 1:
        url = reverse("review:summary_pdf")
        return render(
            request,
            "pdf/bulk_parts.html",
            {
                "campaign": campaign,
                "body": body,
                "total": len(applications),
                "part_size": PART_SIZE,
                "parts": [
                    {
                        "number": n,
                        "url": f"{url}?part={n}",
                        "first": (n - 1) * PART_SIZE + 1,
                        "last": min(n * PART_SIZE, len(applications)),
                    }
                    for n in range(1, parts + 1)
                ],
            },
        )
    part = 1
    if raw_part is not None:
        if not raw_part.isascii() or not raw_part.isdigit() or len(raw_part) > 6:
            raise Http404(phrases.DOCS_NO_PART)
        part = int(raw_part)
    try:
        chosen = part_of(applications, part)
    except IndexError:
        raise Http404(phrases.DOCS_NO_PART) from None
    if not chosen:
        raise Http404(phrases.DOCS_NOTHING_TO_PRINT)
    suffix = f"-第{part}部分" if parts > 1 else ""
    return _download(
        bulk_pdf(chosen),
        "application/pdf",
        f"附件1-申报表-{campaign.year}-{body.label}{suffix}.pdf",
        disposition="inline",
    )


@login_required
@audited_download
def filed_xlsx(request: HttpRequest, report_id: int) -> HttpResponse:
    role = role_of(request.user)
    reports = SummaryReport.objects.select_related("campaign", "body")
    if role == Role.REVIEWER:
        reports = reports.filter(body_id=request.user.organisation_id)
    elif role != Role.CITY:
        reports = reports.none()
    # A number beyond the id column's range would make the database raise, not miss.
    report = reports.filter(pk=report_id).first() if report_id <= MAX_ID else None
    if report is None:
        raise Http404(phrases.DOCS_NO_FILING)
    try:
        with report.file.open("rb") as file:
            content = file.read()
    except (OSError, ValueError):
        raise Http404(phrases.DOCS_FILE_MISSING) from None
    filed_on = report.filed_at.date().isoformat()
    return _download(content, XLSX, f"附件2-汇总表-{report.campaign.year}-{report.body.label}-报送{filed_on}.xlsx")


@login_required
@audited_download
def city_summary_xlsx(request: HttpRequest) -> HttpResponse:
    if not is_city(request.user):
        raise PermissionDenied(phrases.ONLY_CITY)
    campaign = _campaign()
    content = summary_workbook(
        user=request.user, campaign=campaign, bodies=list(reviewing_bodies()), summary_sheet=True
    )
    return _download(content, XLSX, f"附件2-汇总表-{campaign.year}-全市.xlsx")
