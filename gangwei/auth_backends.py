"""The login backend: Django's ModelBackend, loading the user with their organisation."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class OrganisationModelBackend(ModelBackend):
    """Every page reads the user's organisation (the role in the menu, the access querysets) and
    often its 初审 body: fetched in the same query as the user, one query less on every request."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("organisation__parent").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
