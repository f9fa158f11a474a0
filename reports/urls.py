from django.urls import path

from . import views, views_sources

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.summary, name="summary"),
    path("<int:year>/sections/<slug:key>/", views.section, name="section"),
    path("<int:year>/sections/<slug:key>/edit/", views.section_edit, name="section_edit"),
    path("<int:year>/sections/<slug:key>/regenerate/", views.section_regenerate, name="section_regenerate"),
    path("<int:year>/sources/", views_sources.sources, name="sources"),
    path("<int:year>/finalize/", views.finalize, name="finalize"),
    path("<int:year>/reopen/", views.reopen, name="reopen"),
]
