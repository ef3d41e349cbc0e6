"""The city's 考核 pages: the posts with their training and result, one post's score sheet for the
logged-in assessor (and 确认考核结果), the ranking and its .xlsx."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from applications.access import get_application_for
from applications.models import Application, Status
from applications.workflow import TransitionNotAllowed
from audit import audited_download
from gangwei.dates import format_date, format_datetime
from gangwei.deadlines import StageClosed, stage_closes_at, stage_is_open
from gangwei.models import Campaign, Stage
from gangwei.pagecache import cached_page
from review.city import phrases
from review.city.assessment import (
    AssessmentRefused,
    assessment_conclude,
    assessment_ranking,
    assessment_record,
    assessment_result,
    assessor_name,
    criteria_of,
    plain_points,
    points_field,
    ranking_assessors,
    results_for,
)
from review.city.common import city_campaign, city_only
from review.city.forms_assessment import AssessmentForm
from review.city.training import attended_ids, has_attended, reported_posts_page
from review.document_views import XLSX, _download
from review.models import Assessment

ASSESSMENT_PAGE_SIZE = 30


def _window(campaign: Campaign) -> dict:
    return {
        "open": stage_is_open(campaign, Stage.ASSESSMENT, None),
        "closes_at": format_datetime(stage_closes_at(campaign, Stage.ASSESSMENT, None)),
        "opens_at": format_datetime(campaign.opens_at),
    }


def _post(request: HttpRequest, key: str) -> Application:
    """The post `key` as the city sees it (applications.access): another key answers 404."""
    return get_application_for(request.user, key)


# --- the list ------------------------------------------------------------------------------------


@login_required
@cached_page
def assessment(request: HttpRequest) -> HttpResponse:
    city_only(request)
    campaign = city_campaign()
    page = reported_posts_page(campaign, request.GET.get("page"), ASSESSMENT_PAGE_SIZE)
    posts = list(page.object_list)
    attended = attended_ids(campaign, [post.pk for post in posts])
    results = results_for(posts)
    rows = [
        {
            "post": post,
            "trained": post.pk in attended,
            "result": results[post.pk],
            "decided": post.status != Status.REPORTED,
        }
        for post in posts
    ]
    return render(
        request,
        "city/assessment.html",
        {
            "campaign": campaign,
            "window": _window(campaign),
            "page": page,
            "rows": rows,
            "pass_line": plain_points(campaign.pass_line),
            "not_trained": phrases.NOT_TRAINED.rstrip("。"),
        },
    )


# --- one post ------------------------------------------------------------------------------------


def _initial(assessment: Assessment | None) -> dict:
    if assessment is None:
        return {"assessed_on": timezone.localdate(), "version": 0}
    initial = {
        "version": assessment.version,
        "method": assessment.method,
        "assessed_on": assessment.assessed_on,
        "comment": assessment.comment,
        "veto": assessment.veto,
        "veto_reason": assessment.veto_reason,
    }
    for score in assessment.scores.all():
        initial[points_field(score.criterion_id)] = score.points
    return initial


def _assess_response(
    request: HttpRequest,
    application: Application,
    *,
    form: AssessmentForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    campaign = application.campaign
    criteria = criteria_of(campaign)
    assessments = list(
        Assessment.objects.filter(application=application).select_related("assessor").order_by("assessor_id")
    )
    mine = next((a for a in assessments if a.assessor_id == request.user.pk), None)
    if form is None:
        form = AssessmentForm(initial=_initial(mine), criteria=criteria)
    others = [
        {"name": assessor_name(a.assessor), "assessment": a} for a in assessments if a.assessor_id != request.user.pk
    ]
    trained = has_attended(application)
    window = _window(campaign)
    reported = application.status == Status.REPORTED
    return render(
        request,
        "city/assessment_detail.html",
        {
            "application": application,
            "campaign": campaign,
            "window": window,
            "form": form,
            "mine": mine,
            "others": others,
            "result": assessment_result(application),
            "pass_line": plain_points(campaign.pass_line),
            "trained": trained,
            "not_trained": phrases.NOT_TRAINED,
            "reported": reported,
            "may_score": trained and reported and window["open"],
            "may_conclude": reported and window["open"] and bool(assessments),
            "error": error,
            "assessed_on": format_date(mine.assessed_on) if mine else "",
        },
        status=status,
    )


@login_required
@cached_page
def assess(request: HttpRequest, key: str) -> HttpResponse:
    city_only(request)
    application = _post(request, key)
    if request.method != "POST":
        return _assess_response(request, application)
    form = AssessmentForm(request.POST, criteria=criteria_of(application.campaign))
    if not form.is_valid():
        return _assess_response(request, application, form=form)
    data = form.cleaned_data
    try:
        recorded = assessment_record(
            user=request.user,
            application=application,
            method=data["method"],
            assessed_on=data["assessed_on"],
            comment=data["comment"],
            veto=data["veto"],
            veto_reason=data["veto_reason"],
            points=form.points(),
            version=data.get("version"),
        )
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return _assess_response(request, application, form=form)
    except StageClosed as exc:
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _assess_response(request, application, form=form, error=exc.message, status=403)
    except AssessmentRefused as exc:
        if exc.message == phrases.SHEET_STALE:
            # The kept text carries the version now saved, so that sending it again saves over
            # what the assessor has now seen below.
            data = request.POST.copy()
            mine = Assessment.objects.filter(application=application, assessor=request.user).first()
            data["version"] = str(mine.version if mine else 0)
            form = AssessmentForm(data, criteria=criteria_of(application.campaign))
            form.is_valid()
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _assess_response(request, application, form=form, error=exc.message, status=409)
    messages.success(request, phrases.ASSESSMENT_SAVED.format(name=application.display_name, total=recorded.total))
    return redirect("review:assess", key=application.key)


@login_required
@require_POST
def conclude(request: HttpRequest, key: str) -> HttpResponse:
    city_only(request)
    application = _post(request, key)
    try:
        decided = assessment_conclude(user=request.user, application=application, seen=request.POST.get("seen"))
    except StageClosed as exc:
        return _assess_response(request, application, error=exc.message, status=403)
    except TransitionNotAllowed as exc:  # AssessmentRefused, or the transition's own (decided already)
        return _assess_response(request, application, error=exc.message, status=409)
    except ValidationError as exc:
        return _assess_response(request, application, error="；".join(exc.messages), status=409)
    result = assessment_result(decided)
    if decided.status == Status.PASSED:
        messages.success(request, phrases.CONCLUDED_PASSED.format(name=decided.display_name, mean=result.mean_display))
    else:
        messages.success(request, phrases.CONCLUDED_FAILED.format(name=decided.display_name))
    return redirect("review:assess", key=application.key)


# --- the ranking ---------------------------------------------------------------------------------


@login_required
@cached_page
def ranking(request: HttpRequest) -> HttpResponse:
    city_only(request)
    campaign = city_campaign()
    rows = assessment_ranking(campaign)
    assessors = ranking_assessors(rows)
    return render(
        request,
        "city/assessment_ranking.html",
        {
            "campaign": campaign,
            "assessors": assessors,
            "rows": [(row, list(zip(assessors, row.totals_for(assessors), strict=True))) for row in rows],
            "pass_line": plain_points(campaign.pass_line),
        },
    )


@login_required
@audited_download
def ranking_xlsx(request: HttpRequest) -> HttpResponse:
    city_only(request)
    campaign = city_campaign()
    from review.documents.ranking import ranking_workbook

    content = ranking_workbook(campaign=campaign, rows=assessment_ranking(campaign))
    return _download(content, XLSX, f"{campaign.year}年度巾帼文明岗考核排名.xlsx")


urlpatterns = [
    path("city/assessment/", assessment, name="assessment"),
    # Before <key>/: a key is never "ranking" (new_key makes 24 characters), but the order says so.
    path("city/assessment/ranking/", ranking, name="ranking"),
    path("city/assessment/ranking.xlsx", ranking_xlsx, name="ranking_xlsx"),
    path("city/assessment/<str:key>/", assess, name="assess"),
    path("city/assessment/<str:key>/conclude/", conclude, name="assess_conclude"),
]
