from django.urls import path

from .views import exports as views

app_name = "exports"

urlpatterns = [
    path("<year:year>/export.docx", views.summary_export, {"fmt": "docx"}, name="docx"),
    path("<year:year>/export.xlsx", views.xlsx, name="xlsx"),
    path("<year:year>/export.md", views.summary_export, {"fmt": "md"}, name="markdown"),
    path("<year:year>/export.html", views.summary_export, {"fmt": "html"}, name="html"),
    path("<year:year>/print/", views.print_view, name="print"),
    path("<year:year>/archive/", views.archive_page, name="archive"),
    path("<year:year>/archive.zip", views.archive_zip, name="archive_zip"),
    # Background exports (TASKS_BACKEND set): the status of one, and its file once written.
    path("exports/<uuid:pk>/", views.job_status, name="job"),
    path("exports/<uuid:pk>/download/", views.job_download, name="job_download"),
]
