"""What the management commands share."""

from django.core.management.base import CommandError
from django.db.models import Q

from gangwei.models import Organisation, OrgKind


def reviewing_body_named(name: str) -> Organisation:
    """The 初审 body a command's --body names (full name, short name or code), else a Chinese
    CommandError listing the bodies there are."""
    name = name.strip()
    bodies = list(
        Organisation.objects.filter(kind=OrgKind.REVIEWING_BODY).filter(
            Q(name=name) | Q(short_name=name) | Q(code__iexact=name)
        )
    )
    if len(bodies) != 1:
        known = "、".join(
            Organisation.objects.filter(kind=OrgKind.REVIEWING_BODY).values_list("short_name", flat=True)
        )
        problem = "没有" if not bodies else "有不止一个"
        raise CommandError(f"{problem}名为“{name}”的初审单位。可用的初审单位：{known}")
    return bodies[0]
