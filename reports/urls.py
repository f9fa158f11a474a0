from django.urls import path

from .views import sources
from .views import summary as views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<year:year>/", views.summary, name="summary"),
    path("<year:year>/sections/<slug:key>/", views.section, name="section"),
    path("<year:year>/sections/<slug:key>/edit/", views.section_edit, name="section_edit"),
    path("<year:year>/sections/<slug:key>/regenerate/", views.section_regenerate, name="section_regenerate"),
    path("<year:year>/sources/", sources.sources, name="sources"),
    path("<year:year>/finalize/", views.finalize, name="finalize"),
    path("<year:year>/reopen/", views.reopen, name="reopen"),
]
