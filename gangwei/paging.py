"""One page of a list, as every list page shows it (templates/_pagination.html)."""

from django.core.paginator import Page, Paginator


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


def page_of_rows(queryset, number: str | None, size: int, count: int | None = None) -> Page:
    """page_of for a long, wide queryset: the database sorts only the primary keys to find the
    page, then the page's rows are loaded by key (one query more, but the sort no longer carries
    every column of every row: at 5,000 rows it was most of a list page's time)."""
    page = page_of(queryset.values_list("pk", flat=True), number, size, count)
    keys = list(page.object_list)
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
    page.object_list = [rows[key] for key in keys if key in rows]
    return page
