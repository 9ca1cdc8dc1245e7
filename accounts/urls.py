from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("inscription/", views.RegisterView.as_view(), name="register"),
    path("inscription/envoyee/", views.RegistrationSentView.as_view(), name="registration_sent"),
    path("confirmation/<str:token>/", views.VerifyEmailView.as_view(), name="verify_email"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/changer/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("tableau-de-bord/", views.DashboardView.as_view(), name="dashboard"),
    path("profil/", views.ProfileView.as_view(), name="profile"),
    path("organismes/", views.OrganizationListView.as_view(), name="organization_list"),
    path("organismes/nouveau/", views.OrganizationCreateView.as_view(), name="organization_create"),
    path("organismes/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("organismes/<int:pk>/modifier/", views.OrganizationUpdateView.as_view(), name="organization_update"),
    path(
        "organismes/<int:pk>/lettres-patentes/",
        views.LettersPatentDownloadView.as_view(),
        name="letters_patent_download",
    ),
    path("organismes/<int:pk>/inviter/", views.InviteMemberView.as_view(), name="invite_member"),
    path(
        "organismes/<int:pk>/mandataire/",
        views.TransferRepresentativeView.as_view(),
        name="transfer_representative",
    ),
    path("invitation/<str:token>/", views.AcceptInvitationView.as_view(), name="accept_invitation"),
]
