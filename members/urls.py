from django.contrib.auth import views as auth_views
from django.urls import path

from members import import_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/language/", views.language_set, name="language-set"),
    path("join/", views.join, name="join"),
    path("join/thanks/", views.join_thanks, name="join-thanks"),
    path("portal/", views.portal, name="portal"),
    path("directory/", views.directory, name="directory"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/export.<str:fmt>", views.organization_export, name="organization-export"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path("organizations/import/", import_views.organization_import, name="organization-import"),
    path(
        "organizations/import/template.csv",
        import_views.organization_import_template,
        name="organization-import-template",
    ),
    path(
        "organizations/import/<slug:token>/",
        import_views.organization_import_preview,
        name="organization-import-preview",
    ),
    path(
        "organizations/import/<slug:token>/confirm/",
        import_views.organization_import_confirm,
        name="organization-import-confirm",
    ),
    path(
        "organizations/import/<slug:token>/cancel/",
        import_views.organization_import_cancel,
        name="organization-import-cancel",
    ),
    path("organizations/<int:organization_id>/", views.organization_detail, name="organization-detail"),
    path("organizations/<int:organization_id>/edit/", views.organization_edit, name="organization-edit"),
    path("organizations/<int:organization_id>/apply/", views.membership_apply, name="membership-apply"),
    path("organizations/<int:organization_id>/contacts/new/", views.contact_create, name="contact-create"),
    path(
        "organizations/<int:organization_id>/contacts/<int:contact_id>/edit/",
        views.contact_edit,
        name="contact-edit",
    ),
    path(
        "organizations/<int:organization_id>/contacts/<int:contact_id>/export/",
        views.contact_export,
        name="contact-export",
    ),
    path(
        "organizations/<int:organization_id>/contacts/<int:contact_id>/erase/",
        views.contact_erase,
        name="contact-erase",
    ),
    path("memberships/<int:membership_id>/transition/", views.membership_transition, name="membership-transition"),
    path(
        "memberships/<int:membership_id>/fee-override/", views.membership_fee_override, name="membership-fee-override"
    ),
    path("applications/", views.application_queue, name="application-queue"),
    path("fee-tiers/", views.fee_tier_list, name="fee-tier-list"),
    path("fee-tiers/new/", views.fee_tier_edit, name="fee-tier-create"),
    path("fee-tiers/<int:tier_id>/", views.fee_tier_edit, name="fee-tier-edit"),
    path("settings/", views.association_settings_edit, name="association-settings"),
]
