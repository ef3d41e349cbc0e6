"""What the menu of every page needs to know about the 申报 side, computed only when shown."""

from django.utils.functional import SimpleLazyObject

from gangwei.roles import is_applicant


def apply_state(request) -> dict:
    """`may_start_application`: whether the 新建申报 link belongs in the menu (an applicant, window open).

    Lazy: the menu asks only for applicant users; the query is shared with the page's own (apply_state_for).
    """

    def may_start() -> bool:
        from applications.selectors import apply_state_for

        return is_applicant(request.user) and apply_state_for(request).may_start

    return {"may_start_application": SimpleLazyObject(may_start)}
