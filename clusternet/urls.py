from django.contrib import admin
from django.urls import include, path

from clusternet.core.views import healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("api/", include("clusternet.api_urls")),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("billing/", include("billing.urls")),
    path("matching/", include("matching.urls")),
    path("", include("events.urls")),
    path("", include("members.urls")),
]
