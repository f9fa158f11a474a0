from django.urls import path

from . import views_exports as views

app_name = "exports"

urlpatterns = [
    path("<int:year>/export.docx", views.summary_export, {"fmt": "docx"}, name="docx"),
    path("<int:year>/export.xlsx", views.xlsx, name="xlsx"),
    path("<int:year>/export.md", views.summary_export, {"fmt": "md"}, name="markdown"),
    path("<int:year>/export.html", views.summary_export, {"fmt": "html"}, name="html"),
    path("<int:year>/print/", views.print_view, name="print"),
    path("<int:year>/archive/", views.archive_page, name="archive"),
    path("<int:year>/archive.zip", views.archive_zip, name="archive_zip"),
    # Background exports (TASKS_BACKEND set): the status of one, and its file once written.
    path("exports/<uuid:pk>/", views.job_status, name="job"),
    path("exports/<uuid:pk>/download/", views.job_download, name="job_download"),
]
