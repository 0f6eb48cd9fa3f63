"""Sign-in, sign-out and account pages."""

from django.urls import path

from hustings.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.my_account, name="my-account"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/sent/", views.sign_in_sent, name="sign-in-sent"),
    path("sign-in/link/<str:token>/", views.sign_in_link, name="sign-in-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("staff/sign-in/", views.staff_sign_in, name="staff-sign-in"),
    path("staff/verify/", views.staff_verify, name="staff-verify"),
    path("staff/enrol/", views.staff_enrol, name="staff-enrol"),
]
