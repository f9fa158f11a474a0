from django.urls import path

from . import views, views_sources

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<year:year>/", views.summary, name="summary"),
    path("<year:year>/sections/<slug:key>/", views.section, name="section"),
    path("<year:year>/sections/<slug:key>/edit/", views.section_edit, name="section_edit"),
    path("<year:year>/sections/<slug:key>/regenerate/", views.section_regenerate, name="section_regenerate"),
    path("<year:year>/sources/", views_sources.sources, name="sources"),
    path("<year:year>/finalize/", views.finalize, name="finalize"),
    path("<year:year>/reopen/", views.reopen, name="reopen"),
]
