"""The applicant's pages: 我的申报, the 附件1 form, detail and timeline, PDF and uploads."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from applications import phrases
from applications.access import get_application_for, get_attachment_for, get_own_application
from applications.eligibility import rule_catalogue, rule_catalogue_script, submission_errors
from applications.forms import ApplicationFormBundle, not_saved_message
from applications.mail import messages_of
from applications.models import Application
from applications.selectors import (
    applicant_actions,
    application_as_seen_by,
    application_for_page,
    applications_list_page,
    apply_deadline,
    apply_state_for,
    closed_notice,
    deadline_for,
    next_step,
    return_reason,
    timeline,
)
from applications.services import (
    DuplicateForm,
    StaleForm,
    application_create,
    application_data,
    application_submit,
    application_update,
    application_update_and_submit,
    application_withdraw,
    attachment_add,
    attachment_check_changeable,
    attachment_delete,
    receipt_recipients,
)
from applications.uploads import quota_of
from applications.workflow import EDITABLE, TransitionNotAllowed
from audit import audited_download
from gangwei.deadlines import StageClosed, current_campaign, extensions_for
from gangwei.pagecache import cached_page
from gangwei.roles import is_applicant

# 我的申报 shows this many applications a page (a unit of a large employer may have many).
MY_APPLICATIONS_PAGE_SIZE = 20


def _applicant_only(request: HttpRequest) -> None:
    if not is_applicant(request.user):
        raise PermissionDenied("只有申报单位账号可以填写申报表。")


@login_required
@cached_page
def my_applications(request: HttpRequest) -> HttpResponse:
    _applicant_only(request)
    state = apply_state_for(request)
    extensions = state.extensions  # one query, not one per row
    page = applications_list_page(request.user, request.GET.get("page"), MY_APPLICATIONS_PAGE_SIZE)
    rows = [
        {
            "application": a,
            "next_step": next_step(a, extensions=extensions),
            "deadline": deadline_for(a, extensions=extensions),
        }
        for a in page.object_list
    ]
    return render(
        request,
        "applications/my_applications.html",
        {
            "rows": rows,
            "page": page,
            "campaign": state.campaign,
            "deadline": state.deadline,
            "closed": closed_notice(state.deadline, request.user.organisation, phrases.DOING_NEW),
        },
    )


def _render_form(request, bundle, application, campaign=None, status=200):
    """The 附件1 form; while the window is shut for this unit, a notice and the content read-only.
    `campaign`: the new form's (an application's own when not given)."""
    state = apply_state_for(request)  # memoised: the menu's 新建申报 link reads it too
    if campaign is None:
        # An application of the current campaign (nearly all) takes the row the menu has read.
        if state.campaign is not None and state.campaign.pk == application.campaign_id:
            application.campaign = state.campaign
        campaign = application.campaign
    deadline = deadline_for(application, extensions=state.extensions) if application else state.deadline
    doing = phrases.DOING_EDIT if application else phrases.DOING_NEW
    closed = closed_notice(deadline, request.user.organisation, doing)
    if closed:
        bundle.make_read_only()
    return render(
        request,
        "applications/form.html",
        {
            "bundle": bundle,
            "form": bundle.form,
            "application": application,
            "campaign": campaign,
            "deadline": deadline,
            "closed": closed,
            "read_only_note": phrases.STAGE_READ_ONLY_TYPED if bundle.form.is_bound else phrases.STAGE_READ_ONLY,
            # A new form with nothing typed has nothing to show while closed: the notice alone.
            "show_form": not closed or application is not None or bundle.form.is_bound,
            # The browser keeps a copy of what is typed, per user, so a shared computer mixes nothing.
            "storage_key": f"{request.user.pk}-{application.key if application else f'new-{campaign.year}'}",
            "new_storage_key": f"{request.user.pk}-new-{campaign.year}",
            "return_reason": return_reason(application) if application else "",
            "rule_catalogue": rule_catalogue(),
            "rule_catalogue_script": rule_catalogue_script(),
        },
        status=status,
    )


def _save(request: HttpRequest, application: Application | None, campaign=None) -> HttpResponse:
    """Save the posted form as a draft, then submit it if asked; on any refusal keep what was typed.
    `campaign`: the new form's; an application's own is read only to show the form again."""
    bundle = ApplicationFormBundle(request.POST, instance=application)
    if not bundle.is_valid():
        messages.error(request, not_saved_message(bundle))
        return _render_form(request, bundle, application, campaign)
    try:
        if application is None:
            application = application_create(
                user=request.user,
                campaign=campaign,
                data=bundle.data,
                leaders=bundle.leader_rows,
                honours=bundle.honour_rows,
                form_token=bundle.form_token,
            )
        else:
            edit = {
                "application": application,
                "user": request.user,
                "version": bundle.version or 0,
                "data": bundle.data,
                "leaders": bundle.leader_rows,
                "honours": bundle.honour_rows,
            }
            if "submit" in request.POST:
                # Save and submit in one transaction; None when refused: the two steps below answer.
                submitted = application_update_and_submit(**edit)
                if submitted is not None:
                    _submitted_message(request, submitted)
                    return redirect("applications:detail", key=submitted.key)
            application = application_update(**edit)
    except DuplicateForm as exc:
        messages.info(request, str(exc))
        return redirect(_page_of(exc.application))
    except StageClosed as exc:
        bundle.form.add_error(None, exc.message + phrases.TYPED_TEXT_NOT_SAVED)
        return _render_form(request, bundle, application, campaign, status=403)
    except PermissionDenied as exc:
        # The status changed meanwhile (a colleague submitted or withdrew): keep what was typed.
        bundle.form.add_error(None, f"{exc}{phrases.TYPED_TEXT_NOT_SAVED}")
        return _render_form(request, bundle, application, campaign, status=409)
    except StaleForm as exc:
        bundle.form.add_error(None, exc.message)
        return _render_form(request, bundle, application, campaign, status=409)
    except ValidationError as exc:
        bundle.add_errors(exc.message_dict)
        return _render_form(request, bundle, application, campaign)

    if "submit" not in request.POST:
        messages.success(request, phrases.SAVED_DRAFT)
        return redirect("applications:edit", key=application.key)
    try:
        application = application_submit(application=application, user=request.user)
    except (StageClosed, TransitionNotAllowed) as exc:
        messages.error(request, exc.message)
        return redirect("applications:detail", key=application.key)
    except ValidationError as exc:
        # Saved as a draft: re-show the typed data with the new version and every problem in place.
        data = request.POST.copy()
        data["version"] = str(application.version)
        bundle = ApplicationFormBundle(data, instance=application)
        bundle.is_valid()
        bundle.add_errors(exc.message_dict)
        messages.warning(request, phrases.SAVED_BUT_NOT_SUBMITTED)
        return _render_form(request, bundle, application, campaign)
    _submitted_message(request, application)
    return redirect("applications:detail", key=application.key)


def _submitted_message(request: HttpRequest, application: Application) -> None:
    text = phrases.SUBMITTED.format(body=application.unit.parent.label)
    recipients = getattr(application, "receipt_recipients", None)  # set by application_submit
    if recipients is None:
        recipients = receipt_recipients(application)
    if recipients:
        text += phrases.RECEIPT_SENT.format(emails="、".join(recipients))
    messages.success(request, text)


def _page_of(application: Application) -> str:
    """Where to go for an application: its form while the unit may still change it, else its page."""
    name = "applications:edit" if application.status in EDITABLE else "applications:detail"
    return reverse(name, kwargs={"key": application.key})


@login_required
@cached_page(new_form=True)
def application_new(request: HttpRequest) -> HttpResponse:
    _applicant_only(request)
    # A page the page cache builds reads the campaign from the deadlines it hands (apply_state_for).
    campaign = apply_state_for(request).campaign if request.method == "GET" else current_campaign()
    if campaign is None:
        raise Http404("目前没有开放的创建年度。")
    if request.method == "POST":
        return _save(request, None, campaign)
    unit = request.user.organisation
    bundle = ApplicationFormBundle(
        initial={
            "parent_unit": unit.name,
            "contact_name": unit.contact_name,
            "contact_phone": unit.contact_phone,
        }
    )
    return _render_form(request, bundle, None, campaign)


@login_required
@cached_page
def application_edit(request: HttpRequest, key: str) -> HttpResponse:
    application = get_own_application(request.user, key)
    if request.method == "POST":
        return _save(request, application)
    if application.status not in EDITABLE:
        messages.info(request, phrases.NOT_EDITABLE.format(status=application.get_status_display()))
        return redirect("applications:detail", key=key)
    data, leaders, honours = application_data(application)
    if request.GET.get("check"):
        # Back from a refused 提交 on the detail page: mark every problem on the form.
        bundle = ApplicationFormBundle.bound_to(application, leaders, honours)
        bundle.is_valid()
        bundle.add_errors(submission_errors(data=data, leaders=leaders))
    else:
        bundle = ApplicationFormBundle(instance=application, leaders=leaders, honours=honours)
    return _render_form(request, bundle, application)


@login_required
@cached_page
def application_detail(request: HttpRequest, key: str) -> HttpResponse:
    application = application_for_page(request.user, key)
    shown = application_as_seen_by(application, request.user)
    # The unit's and its body's extensions, read once for every window the page shows (the unit's
    # own user shares the menu's read).
    if application.unit_id == request.user.organisation_id:
        extensions = apply_state_for(request).extensions
    else:
        extensions = extensions_for(application.unit)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "shown": shown.application,
            "leaders": shown.leaders,
            "honours": shown.honours,
            "is_submitted_version": shown.is_submitted_version,
            "next_step": next_step(application, extensions=extensions),
            "deadline": deadline_for(application, extensions=extensions),
            "timeline": timeline(application, request.user),
            "actions": applicant_actions(application, request.user, extensions=extensions),
            "quota": quota_of(application.attachments.all()),
            "app_messages": messages_of(application),
        },
    )


@login_required
@require_POST
def application_submit_view(request: HttpRequest, key: str) -> HttpResponse:
    application = get_application_for(request.user, key, write=True)
    try:
        application = application_submit(application=application, user=request.user)
    except (StageClosed, TransitionNotAllowed) as exc:
        messages.error(request, exc.message)
    except ValidationError:
        messages.error(request, phrases.NOT_SUBMITTED)
        return redirect(reverse("applications:edit", kwargs={"key": key}) + "?check=1")
    else:
        _submitted_message(request, application)
    return redirect("applications:detail", key=key)


@login_required
def application_withdraw_view(request: HttpRequest, key: str) -> HttpResponse:
    application = get_application_for(request.user, key, write=True)
    if request.method != "POST":
        deadline = apply_deadline(application.campaign, request.user)
        return render(request, "applications/withdraw.html", {"application": application, "deadline": deadline})
    try:
        application_withdraw(application=application, user=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, phrases.WITHDRAWN)
    return redirect("applications:detail", key=key)


@login_required
@audited_download
def application_pdf(request: HttpRequest, key: str) -> HttpResponse:
    from applications.pdf import render_application_pdf

    application = application_for_page(request.user, key)
    shown = application_as_seen_by(application, request.user)
    response = HttpResponse(
        render_application_pdf(shown.application, shown.leaders, shown.honours), content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    filename = f"附件1-申报表-{application.number or application.key}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, key: str) -> HttpResponse:
    application = get_application_for(request.user, key, write=True)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, phrases.UPLOAD_NONE_CHOSEN)
    # Each file is judged in its turn against what is left, so a batch that crosses a limit keeps
    # the files that fit and names each one refused. A request stops judging after
    # UPLOAD_REQUEST_SECONDS (a hostile PDF takes up to 1.5 s to refuse, and a refused file uses no
    # quota): the rest are named, not judged, so no post of many files holds a worker for minutes.
    started = time.monotonic()
    for index, upload in enumerate(files):
        if index and time.monotonic() - started > settings.UPLOAD_REQUEST_SECONDS:
            messages.error(
                request,
                phrases.UPLOAD_NOT_TRIED.format(
                    seconds=settings.UPLOAD_REQUEST_SECONDS,
                    names="、".join(f.name for f in files[index:]),
                ),
            )
            break
        try:
            attachment = attachment_add(application=application, user=request.user, upload=upload)
        except ValidationError as exc:
            messages.error(request, f"{upload.name}：{exc.messages[0]}")
        except StageClosed as exc:
            messages.error(request, exc.message)
            break
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            break
        else:
            messages.success(request, phrases.UPLOAD_DONE.format(name=attachment.original_name))
    return redirect("applications:detail", key=key)


@login_required
@audited_download
def attachment_download(request: HttpRequest, key: str, attachment_id: int) -> HttpResponse:
    attachment = get_attachment_for(request.user, key, attachment_id)
    try:
        # Streams from whatever storage holds it (local folder or S3 bucket), never from a path.
        stored = attachment.file.open("rb")
    except (OSError, ValueError):  # FileNotFoundError from any storage: the object is gone
        raise Http404(phrases.UPLOAD_FILE_MISSING) from None
    response = FileResponse(
        stored,
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_delete_view(request: HttpRequest, key: str, attachment_id: int) -> HttpResponse:
    """GET asks first (what will be deleted, a 确认删除 button); POST deletes. No JavaScript needed."""
    attachment = get_attachment_for(request.user, key, attachment_id, write=True)
    try:
        if request.method != "POST":
            attachment_check_changeable(application=attachment.application, user=request.user)
            return render(request, "applications/attachment_delete.html", {"attachment": attachment})
        attachment_delete(attachment=attachment, user=request.user)
    except StageClosed as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, phrases.UPLOAD_DELETED.format(name=attachment.original_name))
    return redirect("applications:detail", key=key)
