"""The login backend: Django's ModelBackend, loading the user with their organisation."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from gangwei.pagecache import kept_user


class OrganisationModelBackend(ModelBackend):
    """Every page reads the user's organisation (the role in the menu, the access querysets) and
    often its 初审 body: fetched in the same query as the user, one query less on every request."""

    def get_user(self, user_id):
        if not isinstance(user_id, int | str) or not str(user_id).isdigit():
            return None
        # Kept between requests (gangwei/pagecache.py) until a user, organisation, group or permission
        # is saved or deleted (the admin deactivating the user, a changed password or organisation),
        # PAGE_CACHE_SECONDS at most.
        user = kept_user(int(user_id), lambda: self._load(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _load(user_id):
        user_model = get_user_model()
        try:
            return user_model._default_manager.select_related("organisation__parent").get(pk=user_id)
        except (user_model.DoesNotExist, ValueError, TypeError):
            return None
