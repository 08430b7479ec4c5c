from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from members.models import User


class UsernameOrEmailBackend(ModelBackend):
    """Signs in with either the username or the email address."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        candidates = list(User.objects.filter(Q(username=username) | Q(email__iexact=username)).order_by("id")[:2])
        # An email shared by two accounts is ambiguous: only the exact username signs in then.
        user = next((u for u in candidates if u.username == username), None)
        if user is None and len(candidates) == 1:
            user = candidates[0]
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal unknown names
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
