"""The reviewing side: the 初审 body's queue, an application's review page and decision, the rank,
the 汇总表 and its 报送; the city's overview of the filings and its 退回.

Each view checks the role first (another role: 403), reads through applications.access (another
body's application: 404) and writes through one service of review.services.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from applications.access import get_application_for
from applications.eligibility import evaluate
from applications.mail import messages_of
from applications.models import Category, Status
from applications.selectors import (
    ClosedNotice,
    Deadline,
    application_as_seen_by,
    application_for_page,
    applications_list_page,
    timeline,
)
from applications.workflow import EVENT_LABELS, Action, StaleDecision, TransitionNotAllowed
from gangwei.dates import format_datetime
from gangwei.deadlines import StageClosed, current_campaign, stage_closes_at
from gangwei.models import Campaign, Organisation, Stage
from gangwei.pagecache import cached_page
from gangwei.paging import page_of_rows
from gangwei.roles import is_city, is_reviewer
from review import phrases
from review.city import phrases as city_phrases
from review.city.charts import bodies_chart, funnel_chart
from review.city.dashboard import PHASES, city_dashboard
from review.city.naming import earlier_naming_notices
from review.forms import BulkRecommendForm, DecisionForm, FileForm, RankForm, ReopenForm
from review.models import Review, SummaryReport
from review.selectors import (
    LISTED_STATUSES,
    NEEDS_ACTION,
    QUEUE_PAGE_SIZE,
    QUEUE_STATUSES,
    as_submitted,
    clean_search,
    current_filing,
    earlier_filings,
    places_of,
    queue_applications,
    status_counts,
    submission_diff,
    summary_applications,
)
from review.services import review_decide, review_rank, review_recommend_many, summary_file, summary_reopen

# The statuses from which the body may still decide (or change its decision).
DECIDABLE = [Status.SUBMITTED, Status.RETURNED, Status.RECOMMENDED, Status.NOT_RECOMMENDED]
# The statuses a bulk 推荐所选 may pick.
BULK_STATUSES = [Status.SUBMITTED, Status.NOT_RECOMMENDED]
CITY_PAGE_SIZE = 20
# The 汇总表 page names this many of the applications still to decide (the queue lists them all).
UNDECIDED_SHOWN = 20


def _reviewer_only(request: HttpRequest, message: str = phrases.ONLY_REVIEWER) -> Organisation:
    if not is_reviewer(request.user):
        raise PermissionDenied(message)
    return request.user.organisation


def _city_only(request: HttpRequest) -> None:
    if not is_city(request.user):
        raise PermissionDenied(phrases.ONLY_CITY)


def _campaign() -> Campaign:
    campaign = current_campaign()
    if campaign is None:
        raise Http404("目前没有创建年度。")
    return campaign


@dataclass
class BodyState:
    """The body's 初审 window and filing in `campaign`, loaded once per request."""

    campaign: Campaign
    body: Organisation
    deadline: Deadline
    filing: SummaryReport | None

    @property
    def closed(self) -> ClosedNotice | None:
        if self.deadline.is_open:
            return None
        stage = self.deadline.stage.label
        window = f"{stage}开放时间：{format_datetime(self.deadline.opens_at)}至{format_datetime(self.deadline.closes_at)}。"
        if self.deadline.not_yet_open:
            return ClosedNotice(phrases.BODY_NOT_OPEN_TITLE.format(stage=stage), window, "")
        return ClosedNotice(phrases.BODY_CLOSED_TITLE.format(stage=stage), window, phrases.BODY_ASK_EXTENSION)

    @property
    def may_decide(self) -> bool:
        return self.deadline.is_open and self.filing is None


def body_state(campaign: Campaign, body: Organisation) -> BodyState:
    closes_at = stage_closes_at(campaign, Stage.FIRST_REVIEW, body)
    deadline = Deadline(Stage.FIRST_REVIEW, closes_at, campaign.opens_at)
    return BodyState(campaign, body, deadline, current_filing(campaign, body))


def _documents_ready() -> bool:
    try:
        reverse("review:summary_xlsx")
    except NoReverseMatch:
        return False
    return True


# --- the queue ------------------------------------------------------------------------------------


def _bulk_choices(rows) -> list[tuple[str, str]]:
    return [(a.key, a.display_name) for a in rows if a.status in BULK_STATUSES]


def _queue_response(request: HttpRequest, bulk_form: BulkRecommendForm | None = None, status: int = 200):
    body = _reviewer_only(request, phrases.QUEUE_ONLY_REVIEWER)
    campaign = _campaign()
    state = body_state(campaign, body)
    wanted_status = request.GET.get("status", "")
    wanted_status = wanted_status if wanted_status in LISTED_STATUSES else ""
    wanted_category = request.GET.get("category", "")
    wanted_category = wanted_category if wanted_category in Category.values else ""
    q = clean_search(request.GET.get("q"))
    rows = queue_applications(request.user, campaign, status=wanted_status, category=wanted_category, q=q)
    counts = status_counts(request.user, campaign)
    # Without a category or a search, the tabs' counts say how many rows there are: no COUNT of its own.
    known = None if wanted_category or q else counts[wanted_status] if wanted_status else sum(counts.values())
    page = page_of_rows(rows, request.GET.get("page"), QUEUE_PAGE_SIZE, known)
    rows = as_submitted(page.object_list, request.user)
    if bulk_form is None:
        bulk_form = BulkRecommendForm(
            initial={"opinion": phrases.DEFAULT_OPINION}, choices=_bulk_choices(rows)
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "review/queue.html",
        {
            "campaign": campaign,
            "body": body,
            "state": state,
            "closed": state.closed,
            "page": page,
            "rows": rows,
            "counts": [(s, Status(s).label, counts[s]) for s in LISTED_STATUSES if s in QUEUE_STATUSES or counts[s]],
            "total": sum(counts.values()),
            "undecided": counts[Status.SUBMITTED],
            # status_counts are the body's own (applications_visible_to a reviewer): the taken places among them.
            "places": places_of(campaign, body, counts=counts),
            "statuses": [(s, Status(s).label) for s in LISTED_STATUSES],
            "categories": Category.choices,
            "wanted_status": wanted_status,
            "wanted_category": wanted_category,
            "q": q,
            "query": query.urlencode(),
            "needs_action": NEEDS_ACTION,
            "bulk_statuses": BULK_STATUSES,
            "bulk_form": bulk_form,
            "show_bulk": (state.may_decide or bulk_form.is_bound) and any(a.status in BULK_STATUSES for a in rows),
        },
        status=status,
    )


@login_required
@cached_page
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_response(request)


@login_required
@require_POST
def recommend_many(request: HttpRequest) -> HttpResponse:
    _reviewer_only(request)
    campaign = _campaign()
    candidates = {
        a.key: a
        for a in queue_applications(request.user, campaign).filter(status__in=BULK_STATUSES)
    }
    form = BulkRecommendForm(request.POST, choices=[(k, a.display_name) for k, a in candidates.items()])
    if not form.is_valid():
        return _queue_response(request, bulk_form=form)
    chosen = [candidates[key] for key in form.cleaned_data["keys"]]
    versions = {}
    for application in chosen:
        raw = request.POST.get(f"version_{application.key}", "")
        if raw.isascii() and raw.isdigit() and len(raw) < 10:  # "²".isdigit(), but int("²") raises
            versions[application.key] = int(raw)
    # Each is decided by the service, which reads the row again under its lock.
    full = [get_application_for(request.user, a.key) for a in chosen]
    try:
        done, refused = review_recommend_many(
            applications=full,
            user=request.user,
            opinion=form.cleaned_data["opinion"],
            conditions=form.conditions(),
            versions=versions,
        )
    except StageClosed as exc:
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _queue_response(request, bulk_form=form, status=403)
    if done:
        messages.success(request, phrases.BULK_DONE.format(count=len(done)))
    names = {a.key: a.display_name for a in full}
    for key, reason in refused.items():
        messages.error(request, phrases.BULK_REFUSED.format(name=names[key], reason=reason))
    # Back to the list the clerk was working through (its filters and page).
    query = request.GET.urlencode()
    return redirect(reverse("review:queue") + (f"?{query}" if query else ""))


# --- one application -----------------------------------------------------------------------------


def _current_decision(application) -> str:
    if application.status in (Status.RECOMMENDED, Status.NOT_RECOMMENDED, Status.RETURNED, Status.REPORTED):
        return application.get_status_display()
    return ""


def _decision_initial(application) -> dict:
    review = Review.objects.filter(pk=application.pk).first()
    initial = {"version": application.version, "opinion": application.review_opinion or phrases.DEFAULT_OPINION}
    if review is not None:
        initial.update(review.conditions)
    action = {
        Status.RECOMMENDED: Action.RECOMMEND,
        Status.NOT_RECOMMENDED: Action.NOT_RECOMMEND,
        Status.RETURNED: Action.RETURN,
    }.get(application.status)
    if action:
        initial["action"] = action.value
        if action != Action.RECOMMEND:
            last = next((e for e in reversed(application.events.all()) if e.action == action), None)
            initial["opinion"] = last.note if last else ""
    return initial


def _detail_response(request, application, form: DecisionForm | None = None, status: int = 200, error: str = ""):
    shown = application_as_seen_by(application, request.user)
    reviewer = is_reviewer(request.user)
    state = body_state(application.campaign, request.user.organisation) if reviewer else None
    may_decide = bool(reviewer and state.may_decide and application.status in DECIDABLE)
    if form is None and may_decide:
        form = DecisionForm(initial=_decision_initial(application))
    show = shown.application
    eligibility = evaluate(
        total=show.staff_total,
        women=show.staff_women,
        special_post=bool(show.is_special_post),
        special_reason=show.special_reason or "",
        leader_genders=[leader.gender for leader in shown.leaders],
    )
    return render(
        request,
        "review/detail.html",
        {
            "application": application,
            "shown": show,
            "leaders": shown.leaders,
            "honours": shown.honours,
            "is_submitted_version": shown.is_submitted_version,
            "eligibility": eligibility,
            "timeline": timeline(application, request.user),
            "app_messages": messages_of(application),
            # The unit's users' own addresses are theirs to see, not the reviewer's or the city's.
            "hide_recipients": True,
            "diff": submission_diff(application),
            "state": state,
            "closed": state.closed if state else None,
            "form": form if (may_decide or form is not None and form.is_bound) else None,
            "may_decide": may_decide,
            # The quota is seen before 推荐 is chosen, not learnt from a refusal.
            "places": places_of(application.campaign, request.user.organisation) if may_decide else None,
            "current_decision": _current_decision(application),
            "decision_error": error,
            "read_only": not reviewer,
            "earlier_namings": earlier_naming_notices(application),
        },
        status=status,
    )


@login_required
@cached_page
def detail(request: HttpRequest, key: str) -> HttpResponse:
    # The body's page; the city reads it too (without the decision form).
    if not (is_reviewer(request.user) or is_city(request.user)):
        raise PermissionDenied(phrases.ONLY_REVIEWER)
    application = application_for_page(request.user, key)
    return _detail_response(request, application)


@login_required
@require_POST
def decide(request: HttpRequest, key: str) -> HttpResponse:
    _reviewer_only(request)
    get_application_for(request.user, key)  # another body's: 404 before anything is read
    application = application_for_page(request.user, key)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, application, form)
    action = form.cleaned_data["action"]
    try:
        decided = review_decide(
            application=application,
            user=request.user,
            action=action,
            opinion=form.cleaned_data["opinion"],
            conditions=form.conditions(),
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            if field == "conditions":
                target = None
            for message in errors:
                form.add_error(target, message)
        return _detail_response(request, application, form)
    except StageClosed as exc:
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _detail_response(request, application, form, status=403, error=exc.message)
    except StaleDecision as exc:
        # The page now shows the colleague's decision: the kept text carries the version it shows,
        # so that sending it again is a decision on what the reviewer has now seen.
        application = application_for_page(request.user, key)
        data = request.POST.copy()
        data["version"] = str(exc.application.version)
        form = DecisionForm(data)
        form.is_valid()
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _detail_response(request, application, form, status=409, error=exc.message)
    except TransitionNotAllowed as exc:
        form.add_error(None, exc.message + phrases.TYPED_KEPT)
        return _detail_response(request, application, form, status=409, error=exc.message)
    messages.success(
        request, phrases.DECIDED.format(action=EVENT_LABELS.get(action, action), name=decided.display_name)
    )
    return redirect("review:detail", key=key)


# --- rank ------------------------------------------------------------------------------------------


def _recommended(request, campaign, body) -> list:
    return [a for a in summary_applications(request.user, campaign, body) if a.status == Status.RECOMMENDED]


def _moves(keys: list[str]) -> list[dict]:
    """Each row's up and down orders: the full list as it would be after the move."""
    rows = []
    for index, key in enumerate(keys):
        up = down = None
        if index > 0:
            up = keys[: index - 1] + [key, keys[index - 1]] + keys[index + 1 :]
        if index < len(keys) - 1:
            down = keys[:index] + [keys[index + 1], key] + keys[index + 2 :]
        rows.append({"up": up, "down": down})
    return rows


@login_required
@cached_page
def rank(request: HttpRequest) -> HttpResponse:
    body = _reviewer_only(request)
    campaign = _campaign()
    state = body_state(campaign, body)
    status = 200
    error = ""
    if request.method == "POST":
        keys = [a.key for a in _recommended(request, campaign, body)]
        form = RankForm(request.POST, keys=keys)
        if form.is_valid():
            try:
                review_rank(user=request.user, campaign=campaign, keys=form.cleaned_data["order"])
            except StageClosed as exc:
                error, status = exc.message, 403
            except TransitionNotAllowed as exc:
                error, status = exc.message, 409
            else:
                messages.success(request, phrases.RANK_SAVED)
                return redirect("review:rank")
        else:
            error, status = phrases.RANK_STALE, 409
    rows = _recommended(request, campaign, body)
    moves = _moves([a.key for a in rows])
    return render(
        request,
        "review/rank.html",
        {
            "campaign": campaign,
            "state": state,
            "closed": state.closed,
            "rows": [(position, a, move) for position, (a, move) in enumerate(zip(rows, moves, strict=True), start=1)],
            "error": error,
            "may_rank": state.may_decide,
        },
        status=status,
    )


# --- the 汇总表 and its 报送 -------------------------------------------------------------------------


def _summary_response(request, body, campaign, form=None, status=200, error=""):
    state = body_state(campaign, body)
    counts = status_counts(request.user, campaign)
    # The first few of those still to decide, by submission (the queue lists them all).
    undecided = list(
        queue_applications(request.user, campaign).filter(status__in=[Status.SUBMITTED, Status.RETURNED])[
            :UNDECIDED_SHOWN
        ]
    )
    return render(
        request,
        "review/summary.html",
        {
            "campaign": campaign,
            "body": body,
            "state": state,
            "closed": state.closed,
            "rows": summary_applications(request.user, campaign, body),
            "places": places_of(campaign, body, counts=counts),
            "counts": counts,
            "undecided": undecided,
            "undecided_count": counts[Status.SUBMITTED] + counts[Status.RETURNED],
            "filing": state.filing,
            "earlier": earlier_filings(campaign, body),
            "form": form or FileForm(),
            "may_file": state.deadline.is_open and state.filing is None,
            "error": error,
            "documents_ready": _documents_ready(),
        },
        status=status,
    )


@login_required
@cached_page
def summary(request: HttpRequest) -> HttpResponse:
    body = _reviewer_only(request)
    campaign = _campaign()
    if request.method != "POST":
        return _summary_response(request, body, campaign)
    form = FileForm(request.POST)
    if not form.is_valid():
        return _summary_response(request, body, campaign, form)
    try:
        report, created = summary_file(user=request.user, campaign=campaign)
    except StageClosed as exc:
        return _summary_response(request, body, campaign, form, status=403, error=exc.message)
    except TransitionNotAllowed as exc:
        return _summary_response(request, body, campaign, form, status=409, error=exc.message)
    if created:
        messages.success(request, phrases.FILED.format(filed_at=format_datetime(report.filed_at), rows=report.rows))
    else:
        messages.info(request, phrases.ALREADY_FILED.format(filed_at=format_datetime(report.filed_at)))
    return redirect("review:summary")


# --- the city --------------------------------------------------------------------------------------


@login_required
@cached_page
def city(request: HttpRequest) -> HttpResponse:
    """The city's home: where the campaign stands (review.city.dashboard), then the reported posts."""
    _city_only(request)
    campaign = _campaign()
    dashboard = city_dashboard(campaign)
    page = applications_list_page(request.user, request.GET.get("page"), CITY_PAGE_SIZE)
    return render(
        request,
        "review/city.html",
        {
            "campaign": campaign,
            "dashboard": dashboard,
            "bodies": dashboard.bodies,
            "funnel_chart": funnel_chart([(step.label, step.count) for step in dashboard.funnel]),
            "bodies_chart": bodies_chart(
                [(row["body"].label, row["phases"]) for row in dashboard.bodies], [key for key, _ in PHASES]
            ),
            "nothing_to_do": city_phrases.NOTHING_TO_DO,
            "page": page,
            "applications": page.object_list,
            "documents_ready": _documents_ready(),
        },
    )


@login_required
def reopen(request: HttpRequest, report_id: int) -> HttpResponse:
    _city_only(request)
    report = get_object_or_404(SummaryReport.objects.select_related("body", "campaign", "filed_by"), pk=report_id)
    status, error = 200, ""
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            summary_reopen(user=request.user, report=report, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("reason", message)
        except TransitionNotAllowed as exc:
            status, error = 409, exc.message
        else:
            messages.success(request, phrases.REOPENED.format(body=report.body.name))
            return redirect("review:city")
    closes_at = stage_closes_at(report.campaign, Stage.FIRST_REVIEW, report.body)
    body_closed = ""
    if report.reopened_at is None and timezone.now() > closes_at:
        body_closed = phrases.REOPEN_BODY_CLOSED.format(body=report.body.label, closes_at=format_datetime(closes_at))
    return render(
        request,
        "review/reopen.html",
        {"report": report, "form": form, "error": error, "body_closed": body_closed},
        status=status,
    )
