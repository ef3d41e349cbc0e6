"""The city's training page: the sessions (and a form for a new one) and, for a chosen session, one
table of the reported posts with the name of who attended each, saved at once."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from applications.models import Leader
from gangwei.dates import format_date, format_datetime
from gangwei.deadlines import StageClosed, stage_closes_at, stage_is_open
from gangwei.models import Campaign, Stage
from gangwei.pagecache import cached_page
from review.city import phrases
from review.city.common import city_campaign, city_only
from review.city.forms_training import AttendanceForm, TrainingSessionForm, attendee_field
from review.city.training import (
    attendance_record,
    attended_ids,
    reported_posts,
    reported_posts_page,
    training_session_create,
)
from review.models import Attendance, TrainingSession

ATTENDANCE_PAGE_SIZE = 30

# What an application's key looks like (applications.models.new_key: URL-safe base64); anything else
# posted as a key is no post's, and is not looked up.
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,24}")


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything odd is the first page (never a 500)."""
    raw = str(raw or "1")[:10]
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) > 0 else 1


def _window(campaign: Campaign) -> dict:
    closes_at = stage_closes_at(campaign, Stage.TRAINING, None)
    return {
        "open": stage_is_open(campaign, Stage.TRAINING, None),
        "closes_at": format_datetime(closes_at),
        "opens_at": format_datetime(campaign.opens_at),
    }


def _chosen_session(campaign: Campaign, raw: str | None) -> TrainingSession | None:
    raw = str(raw or "")[:10]
    if not (raw.isascii() and raw.isdigit()):
        return None
    return TrainingSession.objects.filter(campaign=campaign, pk=int(raw)).first()


def _session_or_404(campaign: Campaign, session_id: int) -> TrainingSession:
    session = TrainingSession.objects.filter(campaign=campaign, pk=session_id).select_related("campaign").first()
    if session is None:
        raise Http404(phrases.TRAINING_NO_SESSION)
    return session


def _table(campaign: Campaign, session: TrainingSession, page_no: int, form: AttendanceForm | None):
    """The chosen session's table: a page of the reported posts, each with its first leader's name
    (the field's hint), this session's record and whether it attended any session. Constant queries:
    the count, the page, its leaders, this session's records, the attended set."""
    page = reported_posts_page(campaign, str(page_no), ATTENDANCE_PAGE_SIZE)
    posts = list(page.object_list)
    ids = [post.pk for post in posts]
    first_leader: dict[int, str] = {}
    for application_id, name in (
        Leader.objects.filter(application_id__in=ids).order_by("application_id", "position", "id")
    ).values_list("application_id", "name"):
        first_leader.setdefault(application_id, name)
    recorded = dict(
        Attendance.objects.filter(session=session, application_id__in=ids).values_list("application_id", "attendee")
    )
    attended = attended_ids(campaign, ids)
    if form is None:
        form = AttendanceForm(
            posts=posts,
            known_keys=[post.key for post in posts],
            initial={attendee_field(post.key): recorded.get(post.pk, "") for post in posts},
            placeholders={post.key: first_leader.get(post.pk, "") for post in posts},
        )
    by_key = {key: form.row(key) for key in form.row_keys}
    rows = [
        {
            "post": post,
            "leader": first_leader.get(post.pk, ""),
            "field": by_key.get(post.key),
            "attended_here": post.pk in recorded,
            "attended_any": post.pk in attended,
        }
        for post in posts
    ]
    return {"page": page, "rows": rows, "form": form}


def _training_response(
    request: HttpRequest,
    campaign: Campaign,
    *,
    session_form: TrainingSessionForm | None = None,
    session: TrainingSession | None = None,
    attendance_form: AttendanceForm | None = None,
    page_no: int = 1,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    sessions = list(
        TrainingSession.objects.filter(campaign=campaign)
        .annotate(attended=Count("attendances"))
        .order_by("held_on", "id")
    )
    context = {
        "campaign": campaign,
        "window": _window(campaign),
        "sessions": sessions,
        "session": session,
        "session_form": session_form or TrainingSessionForm(),
        "error": error,
        "hint": phrases.ATTENDANCE_HINT,
    }
    if session is not None:
        context.update(_table(campaign, session, page_no, attendance_form))
        context["session_date"] = format_date(session.held_on)
        context["page_query"] = f"session={session.pk}"
    return render(request, "city/training.html", context, status=status)


@login_required
@cached_page
def training(request: HttpRequest) -> HttpResponse:
    city_only(request)
    campaign = city_campaign()
    if request.method != "POST":
        session = _chosen_session(campaign, request.GET.get("session"))
        return _training_response(request, campaign, session=session, page_no=page_number(request.GET.get("page")))
    form = TrainingSessionForm(request.POST)
    if not form.is_valid():
        return _training_response(request, campaign, session_form=form)
    try:
        session = training_session_create(user=request.user, campaign=campaign, **form.cleaned_data)
    except StageClosed as exc:
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _training_response(request, campaign, session_form=form, status=403)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return _training_response(request, campaign, session_form=form)
    messages.success(
        request, phrases.TRAINING_CREATED.format(title=session.title, held_on=format_date(session.held_on))
    )
    return redirect(f"{reverse('review:training')}?session={session.pk}")


@login_required
@require_POST
def attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    city_only(request)
    campaign = city_campaign()
    session = _session_or_404(campaign, session_id)
    page_no = page_number(request.GET.get("page"))
    # The posted keys that are reported posts (the others are refused as unknown by the form): only
    # these are read, not every post of the campaign. Django caps the posted fields (1,000).
    posted = [key for key in request.POST.getlist("keys") if isinstance(key, str) and KEY_SHAPE.fullmatch(key)]
    known = list(reported_posts(campaign).filter(key__in=posted).order_by().values_list("key", flat=True))
    form = AttendanceForm(request.POST, known_keys=known)
    if not form.is_valid():
        return _training_response(request, campaign, session=session, attendance_form=form, page_no=page_no)
    try:
        changed = attendance_record(user=request.user, session=session, attendees=form.attendees())
    except StageClosed as exc:
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _training_response(request, campaign, session=session, attendance_form=form, page_no=page_no, status=403)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return _training_response(request, campaign, session=session, attendance_form=form, page_no=page_no)
    if changed:
        messages.success(request, phrases.ATTENDANCE_SAVED.format(count=changed))
    else:
        messages.info(request, phrases.ATTENDANCE_UNCHANGED)
    return redirect(f"{reverse('review:training')}?session={session.pk}&page={page_no}")


urlpatterns = [
    path("city/training/", training, name="training"),
    path("city/training/<int:session_id>/attendance/", attendance, name="attendance"),
]
