"""One page of a list, as every list page shows it (templates/_pagination.html)."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def page_of(items, number: str | None, size: int, count: int | None = None) -> Page:
    """The asked page of `items`; a bad number gives the first page, one past the end the last
    (never a 500). The page reads one count and one slice, whatever the length of the list; no
    count when the caller knows it already (`count`, from counts it shows anyway)."""
    try:
        value = int(str(number or "1")[:10])
    except ValueError:
        value = 1
    paginator = Paginator(items, size)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    return paginator.get_page(max(value, 1))


def _rows_by_key(page: Page, queryset: QuerySet) -> Page:
    """The page's primary keys replaced by their rows (one query), in the keys' order."""
    keys = list(page.object_list)
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
    page.object_list = [rows[key] for key in keys if key in rows]
    return page


def page_of_rows(queryset, number: str | None, size: int, count: int | None = None) -> Page:
    """page_of for a long, wide queryset: the database sorts only the primary keys to find the
    page, then the page's rows are loaded by key (one query more, but the sort no longer carries
    every column of every row: at 5,000 rows it was most of a list page's time)."""
    return _rows_by_key(page_of(queryset.values_list("pk", flat=True), number, size, count), queryset)


class GroupedKeys:
    """The primary keys of a list made of groups one after the other (the campaigns of a list, the
    bodies of a 汇总表), each group's length known from counts kept elsewhere. A slice reads, in
    one query, only the groups it covers (`rows_for(their keys)`, in the list's order), from its
    offset among them: a page no longer sorts the whole list, only the groups under it (with an
    index in the group's order, only its own rows)."""

    def __init__(self, groups: list[tuple[object, int]], rows_for: Callable[[list], QuerySet]):
        self.groups = [(key, n) for key, n in groups if n > 0]
        self.rows_for = rows_for

    def count(self) -> int:
        return sum(n for _, n in self.groups)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice):
            raise TypeError("GroupedKeys is read by slices")
        start = index.start or 0
        stop = index.stop if index.stop is not None else self.count()
        covered, before, offset = [], 0, 0
        for key, n in self.groups:
            if offset + n <= start:
                before = offset + n
            elif offset < stop:
                covered.append(key)
            offset += n
        if not covered or start >= stop:
            return []
        return list(self.rows_for(covered).values_list("pk", flat=True)[start - before : stop - before])


def page_of_groups(
    groups: list[tuple[object, int]],
    rows_for: Callable[[list], QuerySet],
    rows: QuerySet,
    number: str | None,
    size: int,
) -> Page:
    """page_of over groups of known length (GroupedKeys), the page's keys then loaded from `rows`."""
    return _rows_by_key(page_of(GroupedKeys(groups, rows_for), number, size), rows)
