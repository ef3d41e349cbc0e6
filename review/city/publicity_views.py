"""The city's 公示 page (publish, the lists, objections and their handling) and the public 公示 page
with the objection form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from applications.workflow import TransitionNotAllowed
from gangwei.dates import format_date, format_datetime
from gangwei.deadlines import StageClosed, stage_is_open
from gangwei.models import Campaign, Stage
from gangwei.pagecache import cached_page
from gangwei.security import client_ip
from review.city import phrases
from review.city.common import campaign_of_year, city_campaign, city_only
from review.city.forms_publicity import ObjectionForm, PublishForm, ResolveForm
from review.city.publicity import (
    PublicityClosed,
    TooManyObjections,
    check_start,
    is_open,
    objection_lodge,
    objection_resolve,
    objections_of,
    period_end,
    publicities_of,
    publicity_publish,
    publishable,
)
from review.models import Objection, ObjectionOutcome


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# --- the city's page ------------------------------------------------------------------------------


def _preview(campaign: Campaign, form: PublishForm, count: int) -> str:
    """The end date and the number of posts a valid start date would give ('' when it would not)."""
    if not form.is_bound or not form.is_valid():
        return ""
    starts_on = form.cleaned_data["starts_on"]
    try:
        check_start(campaign, starts_on)
        ends_on = period_end(campaign, starts_on)
    except ValidationError as exc:
        _add_errors(form, exc)
        return ""
    text = phrases.PUBLICITY_PREVIEW.format(
        starts_on=format_date(starts_on), ends_on=format_date(ends_on), days=campaign.publicity_days, count=count
    )
    naming_closes_on = timezone.localtime(campaign.naming_closes_at).date()
    if ends_on >= naming_closes_on:
        text += phrases.PUBLICITY_ENDS_AFTER_NAMING.format(closes_at=format_datetime(campaign.naming_closes_at))
    return text


def _manage_response(
    request: HttpRequest,
    campaign: Campaign,
    *,
    publish_form: PublishForm | None = None,
    resolve_forms: dict | None = None,
    preview: bool = True,
    status: int = 200,
) -> HttpResponse:
    posts = list(publishable(campaign))
    window_open = stage_is_open(campaign, Stage.NAMING, None)
    if publish_form is None:
        if window_open:
            # The start date offered at first is today's, with its end date already worked out.
            publish_form = PublishForm({"starts_on": timezone.localdate().isoformat()})
        else:
            publish_form, preview = PublishForm(), False
    # No end date is worked out over a refusal: the page shows why it was refused.
    preview_text = _preview(campaign, publish_form, len(posts)) if preview else ""
    objections = objections_of(campaign)
    resolve_forms = resolve_forms or {}
    rows = [
        (objection, resolve_forms.get(objection.pk) or ResolveForm(prefix=f"o{objection.pk}"))
        for objection in objections
    ]
    return render(
        request,
        "city/publicity.html",
        {
            "campaign": campaign,
            "posts": posts,
            "publish_form": publish_form,
            "preview": preview_text,
            "window_open": window_open,
            "naming_closes_at": campaign.naming_closes_at,
            "publicities": [(p, is_open(p)) for p in publicities_of(campaign)],
            "objection_rows": rows,
            "pending": ObjectionOutcome.PENDING,
        },
        status=status,
    )


@login_required
@cached_page
def manage(request: HttpRequest) -> HttpResponse:
    city_only(request)
    campaign = city_campaign()
    if request.method != "POST":
        return _manage_response(request, campaign)
    form = PublishForm(request.POST)
    if "publish" not in request.POST or not form.is_valid():
        return _manage_response(request, campaign, publish_form=form)
    try:
        publicity = publicity_publish(user=request.user, campaign=campaign, starts_on=form.cleaned_data["starts_on"])
    except ValidationError as exc:
        _add_errors(form, exc)
        return _manage_response(request, campaign, publish_form=form, preview=False)
    except StageClosed as exc:
        form.add_error(None, exc.message)
        return _manage_response(request, campaign, publish_form=form, preview=False, status=403)
    messages.success(
        request,
        phrases.PUBLICITY_PUBLISHED.format(
            starts_on=format_date(publicity.starts_on),
            ends_on=format_date(publicity.ends_on),
            count=publicity.entries.count(),
        ),
    )
    return redirect("review:publicity_manage")


@login_required
@require_POST
def resolve(request: HttpRequest, objection_id: int) -> HttpResponse:
    city_only(request)
    campaign = city_campaign()
    objection = get_object_or_404(
        Objection.objects.select_related("application"), pk=objection_id, publicity__campaign=campaign
    )
    form = ResolveForm(request.POST, prefix=f"o{objection.pk}")
    status = 200
    if form.is_valid():
        try:
            objection_resolve(
                user=request.user,
                objection=objection,
                outcome=form.cleaned_data["outcome"],
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except StageClosed as exc:
            form.add_error(None, exc.message + phrases.TYPED_KEPT)
            status = 403
        except TransitionNotAllowed as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            outcome = ObjectionOutcome(form.cleaned_data["outcome"]).label
            messages.success(
                request, phrases.OBJECTION_RESOLVED.format(name=objection.application.display_name, outcome=outcome)
            )
            return redirect("review:publicity_manage")
    return _manage_response(request, campaign, resolve_forms={objection.pk: form}, status=status)


# --- the public page ------------------------------------------------------------------------------


def _public_response(request: HttpRequest, year: int, form: ObjectionForm | None = None, status: int = 200):
    campaign = campaign_of_year(year)
    publicities = publicities_of(campaign)
    today = timezone.localdate()
    open_entries = [entry for p in publicities if is_open(p, today) for entry in p.entries.all()]
    if form is None and open_entries:
        form = ObjectionForm(entries=open_entries)
    return render(
        request,
        "public/publicity.html",
        {
            "campaign": campaign,
            "year": year,
            "today": today,
            "publicities": [(p, is_open(p, today)) for p in publicities],
            "form": form,
            "any_open": bool(open_entries),
        },
        status=status,
    )


def public(request: HttpRequest, year: int) -> HttpResponse:
    if request.method != "POST":
        return _public_response(request, year)
    campaign = campaign_of_year(year)
    entries = {entry.pk: entry for p in publicities_of(campaign) if is_open(p) for entry in p.entries.all()}
    form = ObjectionForm(request.POST, entries=entries.values())
    if not entries:
        # The period ended while the form was open: the typed text is kept, with the reason.
        form.is_valid()
        form.add_error(None, phrases.OBJECTION_CLOSED_ALL)
        return _public_response(request, year, form, status=403)
    if not form.is_valid():
        return _public_response(request, year, form)
    entry = entries[form.cleaned_data["entry"]]
    try:
        objection_lodge(
            publicity=entry.publicity,
            application=entry.application,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
            content=form.cleaned_data["content"],
            source_address=client_ip(request),
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _public_response(request, year, form)
    except TooManyObjections as exc:
        form.add_error(None, exc.message)
        return _public_response(request, year, form, status=429)
    except PublicityClosed as exc:
        form.add_error(None, exc.message)
        return _public_response(request, year, form, status=403)
    messages.success(request, phrases.OBJECTION_THANKS)
    return redirect("review:publicity", year=year)


urlpatterns = [
    path("city/publicity/", manage, name="publicity_manage"),
    path("city/publicity/objections/<int:objection_id>/resolve/", resolve, name="objection_resolve"),
    path("publicity/<int:year>/", public, name="publicity"),
]
