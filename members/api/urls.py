from django.urls import path, re_path

from members.api import views

urlpatterns = [
    path("auth/token/", views.TokenObtainApi.as_view(), name="api-token"),
    path("me/", views.MeApi.as_view(), name="api-me"),
    path("organizations/", views.OrganizationListApi.as_view(), name="api-organization-list"),
    path("organizations/<int:organization_id>/", views.OrganizationDetailApi.as_view(), name="api-organization-detail"),
    path("organizations/<int:organization_id>/contacts/", views.ContactListApi.as_view(), name="api-contact-list"),
    path(
        "organizations/<int:organization_id>/contacts/<int:contact_id>/",
        views.ContactDetailApi.as_view(),
        name="api-contact-detail",
    ),
    path(
        "organizations/<int:organization_id>/contacts/<int:contact_id>/export/",
        views.ContactExportApi.as_view(),
        name="api-contact-export",
    ),
    path(
        "organizations/<int:organization_id>/contacts/<int:contact_id>/erase/",
        views.ContactEraseApi.as_view(),
        name="api-contact-erase",
    ),
    path("memberships/", views.MembershipListApi.as_view(), name="api-membership-list"),
    path("memberships/<int:membership_id>/", views.MembershipDetailApi.as_view(), name="api-membership-detail"),
    path(
        "memberships/<int:membership_id>/fee-override/",
        views.MembershipFeeOverrideApi.as_view(),
        name="api-membership-fee-override",
    ),
    re_path(
        rf"^memberships/(?P<membership_id>[0-9]+)/(?P<action>{'|'.join(views.MEMBERSHIP_ACTIONS)})/$",
        views.MembershipTransitionApi.as_view(),
        name="api-membership-transition",
    ),
    path("fee-tiers/", views.FeeTierListApi.as_view(), name="api-fee-tier-list"),
    path("fee-tiers/<int:tier_id>/", views.FeeTierDetailApi.as_view(), name="api-fee-tier-detail"),
    path("settings/association/", views.AssociationSettingsApi.as_view(), name="api-association-settings"),
]
