"""What each user may see. Every view fetches applications through these functions."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from applications.models import Application, Attachment, Status
from gangwei.models import User
from gangwei.roles import Role, role_of
from gangwei.written_sql import select_sql

# A 初审 body sees an application once the unit has submitted it; drafts stay private.
VISIBLE_TO_REVIEWER = [s for s in Status.values if s != Status.DRAFT]
# The city sees what the bodies have reported (报送) and everything after.
VISIBLE_TO_CITY = [Status.REPORTED, Status.PASSED, Status.FAILED, Status.NAMED, Status.NOT_NAMED]


def applications_visible_to(user: User) -> QuerySet[Application]:
    base = Application.objects.select_related("campaign", "unit__parent")
    role = role_of(user)
    if role == Role.APPLICANT:
        return base.filter(unit_id=user.organisation_id)
    if role == Role.REVIEWER:
        return base.filter(unit__parent_id=user.organisation_id, status__in=VISIBLE_TO_REVIEWER)
    if role == Role.CITY:
        return base.filter(status__in=VISIBLE_TO_CITY)
    return base.none()


def get_application_for(user: User, key: str, *, write: bool = False) -> Application:
    """The application `key` if `user` may see it (else 404); with write, only its own unit may (else 403).

    With write, the unit is the user's own organisation (attached, not joined) and its 初审 body is not
    read: the writes lock and read the row again with them, and the forms show none of it."""
    visible = applications_visible_to(user)
    if write:
        visible = visible.select_related(None).select_related("campaign")
    try:
        application = visible.get(key=key)
    except Application.DoesNotExist:
        raise Http404("没有找到这份申报表。") from None
    if write and role_of(user) != Role.APPLICANT:
        raise PermissionDenied("您只能查看这份申报表，不能修改。")
    if write:
        application.unit = user.organisation
    return application


def get_own_application(user: User, key: str) -> Application:
    """As get_application_for(user, key, write=True), for the 附件1 form and its save, which every
    submission reads twice: the unit's own row alone, in one statement written out (no campaign
    joined: the form takes the one its menu has read, the save reads it only to show the form again)."""
    if role_of(user) != Role.APPLICANT:
        return get_application_for(user, key, write=True)  # a 404, or a 403 where it may look
    own = select_sql(Application, (("unit", 1), ("key", 1)))
    found = list(Application.objects.raw(own, [user.organisation_id, key]))
    if not found:
        raise Http404("没有找到这份申报表。")
    application = found[0]
    application.unit = user.organisation
    return application


def get_attachment_for(user: User, key: str, attachment_id: int, *, write: bool = False) -> Attachment:
    application = get_application_for(user, key, write=write)
    try:
        return application.attachments.get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404("没有找到这个附件。") from None
