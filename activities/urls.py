from django.urls import path

from .views import activity, export, sign_in

app_name = "activities"

urlpatterns = [
    path("", activity.activity_list, name="list"),
    path("new/", activity.activity_new, name="new"),
    path("calendar/", activity.activity_calendar, name="calendar"),
    path("mine/", activity.my_record, name="my_record"),
    path("export/", export.activity_export, name="export"),
    path("<int:pk>/", activity.activity_detail, name="detail"),
    path("<int:pk>/edit/", activity.activity_edit, name="edit"),
    path("<int:pk>/submit/", activity.activity_submit, name="submit"),
    path("<int:pk>/approve/", activity.activity_approve, name="approve"),
    path("<int:pk>/return/", activity.activity_return, name="return"),
    path("<int:pk>/delete/", activity.activity_delete, name="delete"),
    path("<int:pk>/attachments/", activity.attachment_add, name="attachment_add"),
    path("<int:pk>/qr/", sign_in.activity_qr, name="qr"),
    path("<int:pk>/qr/code/", sign_in.activity_qr_code, name="qr_code"),
    path("<int:pk>/qr/roster/", sign_in.activity_roster, name="roster"),
    path("<int:pk>/sign-in/<str:token>/", sign_in.activity_sign_in, name="sign_in"),
    path("attachments/<int:pk>/", activity.attachment_download, name="attachment_download"),
]
