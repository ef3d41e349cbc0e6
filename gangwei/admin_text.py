"""Pieces of Django's admin that no catalogue reaches, put into Chinese for every ModelAdmin that mixes these in."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models


def boolean_column(model, name: str):
    """A list column reading 是/否 — Django's icons have the alt text "True"/"False" (not translatable)."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj):
        return "是" if getattr(obj, name) else "否"

    column.__name__ = name
    return column


# A search box (and the admin's autocomplete, which calls the same method) makes one OR of LIKEs per
# word and field: thousands of words are a query SQLite refuses ("Expression tree is too large") and
# PostgreSQL grinds through. No clerk searches with more.
SEARCH_MAX_CHARS = 100
SEARCH_MAX_TERMS = 10


class BoundedSearchMixin:
    """Searches with the first SEARCH_MAX_TERMS words of the first SEARCH_MAX_CHARS characters."""

    def get_search_results(self, request, queryset, search_term):
        bounded = " ".join(search_term[:SEARCH_MAX_CHARS].split()[:SEARCH_MAX_TERMS])
        return super().get_search_results(request, queryset, bounded)


class ChineseAdminMixin(BoundedSearchMixin):
    """Boolean list columns as 是/否; a delete confirmation without the rows of many-to-many
    tables ("Group-permission关系: Group_permissions object (1)"), which mean nothing to a clerk."""

    def get_list_display(self, request):
        columns = []
        for name in super().get_list_display(request):
            if isinstance(name, str) and isinstance(self._field_or_none(name), models.BooleanField):
                columns.append(boolean_column(self.model, name))
            else:
                columns.append(name)
        return columns

    def get_fields(self, request, obj=None):
        # On a read-only page every field is shown as text, booleans as Django's icons: 是/否 instead.
        fields = super().get_fields(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fields
        return [
            boolean_column(self.model, name)
            if isinstance(name, str) and isinstance(self._field_or_none(name), models.BooleanField)
            else name
            for name in fields
        ]

    def _field_or_none(self, name):
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:  # a method or attribute, not a field
            return None

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        relations = [
            field.remote_field if isinstance(field, models.ManyToManyField) else field
            for field in self.model._meta.get_fields(include_hidden=True)
            if field.many_to_many
        ]
        tables = [rel.through._meta for rel in relations if rel.through._meta.auto_created]
        through = [str(opts.verbose_name) for opts in tables]
        through_plural = [str(opts.verbose_name_plural) for opts in tables]

        def keep(items):
            kept = []
            for item in items:
                if isinstance(item, list):
                    kept.append(keep(item))
                elif not any(str(item).lower().startswith(name.lower() + ":") for name in through):
                    kept.append(item)
            return [item for item in kept if item != []]

        counts = {name: count for name, count in counts.items() if str(name) not in through_plural}
        return keep(deleted), counts, perms_needed, protected
