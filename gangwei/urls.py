from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gangwei import forms, views

admin.site.site_header = "柳州市巾帼文明岗 管理后台"
admin.site.site_title = "巾帼文明岗管理"
admin.site.index_title = "管理"
admin.site.login_form = forms.AdminLoginForm  # says how many tries are left, like the site's login

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/register/", views.register, name="register"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=forms.LoginForm),
        name="login",
    ),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("apply/", include("applications.urls")),
    path("", include("review.urls")),
    path("admin/", admin.site.urls),
]
