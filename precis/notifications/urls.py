from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read", views.mark_all_read, name="read_all"),
    path("notifications/<int:pk>/open", views.open_notification, name="open"),
    path("notifications/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
    path("follow/<str:kind>/<int:pk>", views.toggle_follow, name="follow"),
]
