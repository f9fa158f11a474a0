"""The portal's error pages under DEBUG as well.

With DEBUG off Django renders templates/400.html … 500.html itself. With DEBUG on it shows its
technical 404 page instead, which lists every URL pattern of the portal: fine for a developer, a
puzzle (and a map of the site) for anyone else. So under DEBUG this middleware gives everyone but
Django's own staff (`is_staff`, who may need the technical page) the portal's 404. A 403 needs
nothing: Django renders 403.html whatever DEBUG says.
"""

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404
from django.urls import Resolver404, resolve
from django.views.defaults import page_not_found


class PortalNotFoundMiddleware:
    def __init__(self, get_response):
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    @staticmethod
    def _for_developer(request) -> bool:
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated and user.is_staff

    def __call__(self, request):
        if not self._for_developer(request):
            try:
                resolve(request.path_info)
            except Resolver404 as exception:
                return page_not_found(request, exception)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and not self._for_developer(request):
            return page_not_found(request, exception)
        return None
