import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from gangwei.roles import ROLE_LABELS, role_of

# The links of every page's menu (base.html), by URL name.
MENU_URLS = (
    "home",
    "applications:list",
    "applications:new",
    "review:queue",
    "review:rank",
    "review:summary",
    "review:city",
    "review:training",
    "review:assessment",
    "review:publicity_manage",
    "review:naming",
    "password_change",
    "logout",
)


def role(request) -> dict:
    user_role = role_of(request.user) if hasattr(request, "user") else None
    return {
        "user_role": user_role,
        "user_role_label": ROLE_LABELS.get(user_role, ""),
        "menu_urls": _menu_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF),
    }


@functools.cache
def _menu_urls(prefix: str, urlconf: str) -> dict[str, str]:
    """{"applications_list": "/apply/", …}: the menu's links, reversed once per process, script prefix
    and URLconf (a page would reverse a dozen); "" for a name this URLconf does not have."""
    urls = {}
    for name in MENU_URLS:
        try:
            urls[name.replace(":", "_")] = reverse(name, urlconf=urlconf)
        except NoReverseMatch:
            urls[name.replace(":", "_")] = ""
    return urls
