from django.urls import path

from . import views_exports as views

app_name = "exports"

urlpatterns = [
    path("<year:year>/export.docx", views.docx, name="docx"),
    path("<year:year>/export.xlsx", views.xlsx, name="xlsx"),
    path("<year:year>/export.md", views.markdown, name="markdown"),
    path("<year:year>/export.html", views.html, name="html"),
    path("<year:year>/print/", views.print_view, name="print"),
    # Background exports (TASKS_BACKEND set): the status of one, and its file once written.
    path("exports/<uuid:pk>/", views.job_status, name="job"),
    path("exports/<uuid:pk>/download/", views.job_download, name="job_download"),
]
