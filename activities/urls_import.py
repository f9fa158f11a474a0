from django.urls import path

from .views import imports

app_name = "imports"

urlpatterns = [
    path("", imports.upload, name="upload"),
    path("<int:pk>/", imports.preview, name="preview"),
    path("<int:pk>/confirm/", imports.confirm, name="confirm"),
    path("<int:pk>/approve/", imports.approve, name="approve"),
    path("template/<slug:ledger_type>.csv", imports.blank_template, name="template"),
]
