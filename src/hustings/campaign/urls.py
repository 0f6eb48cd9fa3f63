"""Campaign pages: supporters, updates, questionnaires, questions, report-backs and feeds."""

from django.urls import URLPattern, URLResolver, path

from hustings.campaign import views

app_name = "campaign"

urlpatterns: list[URLPattern | URLResolver] = [
    path("candidates/<int:pk>/support/", views.support, name="support"),
    path("supports/<int:pk>/withdraw/", views.withdraw_support, name="withdraw-support"),
    path("supports/<int:pk>/emails/", views.update_emails, name="update-emails"),
    path("candidates/<int:pk>/updates/new/", views.new_update, name="new-update"),
    path("candidates/<int:pk>/updates.atom", views.updates_feed, name="updates-feed"),
    path("candidates/<int:pk>/ask/", views.ask, name="ask"),
    path("questions/<int:pk>/answer/", views.answer_question, name="answer-question"),
    path("questions/<int:pk>/report/", views.report_question, name="report-question"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/new/<slug:election>/", views.new_questionnaire, name="new-questionnaire"),
    path(
        "questionnaires/<int:pk>/answer/<int:candidacy>/",
        views.answer_questionnaire,
        name="answer-questionnaire",
    ),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/quotes/<int:pk>/", views.moderate_quote, name="moderate-quote"),
    path("moderation/questions/<int:pk>/hide/", views.hide_question, name="hide-question"),
    path("representatives/<int:pk>/", views.representative, name="representative"),
    path("representatives/<int:pk>/reports/new/", views.new_report_back, name="new-report-back"),
    path("representatives/<int:pk>/reports.atom", views.report_backs_feed, name="reports-feed"),
    path("representatives/<int:pk>/follow/", views.follow, name="follow"),
    path("follows/<int:pk>/end/", views.unfollow, name="unfollow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
