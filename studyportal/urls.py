from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from activities.views import activity as activity_views
from reports.views import home as views_home
from studyportal.accounts import otp as otp_views
from studyportal.accounts import views as account_views
from studyportal.params import YearConverter

# Registered before the apps' URLconfs are read: `<year:year>` is a year of the portal's window.
register_converter(YearConverter, "year")

urlpatterns = [
    path("", views_home.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", account_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/2fa/setup/", otp_views.otp_setup, name="otp_setup"),
    path("accounts/2fa/verify/", otp_views.otp_verify, name="otp_verify"),
    path("activities/import/", include("activities.urls_import")),
    path("activities/", include("activities.urls")),
    path("", include("activities.urls_records")),  # rectification/, points/, publicity/, plans/, norms/
    path("reports/", include("reports.urls_exports")),
    path("reports/", include("reports.urls")),
    path("dashboard/", include("reports.urls_dashboard")),
    path("notifications/", include("studyportal.notifications.urls")),
    # A person's year for their secretary: the activities app's page, under the people pages' prefix.
    path("people/<int:pk>/", activity_views.person_record, name="person_record"),
    path("people/", include("studyportal.accounts.urls_people")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
