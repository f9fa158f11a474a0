from django.utils.functional import SimpleLazyObject

from .models import Role
from .scoping import PAGE_ROLES, has_role, scope_paths


def roles(request):
    """What the navigation may offer: computed lazily, only if a template asks."""
    user = getattr(request, "user", None)

    def compute():
        if user is None or not user.is_authenticated:
            return {}
        return {
            "record": bool(scope_paths(user, Role.STAFF)),
            "import": bool(scope_paths(user, Role.RECORDER)),
            "review": bool(scope_paths(user, Role.SECRETARY)),
            "admin": bool(scope_paths(user, Role.ADMIN)),
            "django_admin": user.is_staff,
            **{page: bool(scope_paths(user, role)) for page, role in PAGE_ROLES.items()},
            "own_agency_secretary": user.agency is not None and has_role(user, user.agency, Role.SECRETARY),
        }

    return {"can": SimpleLazyObject(compute)}
