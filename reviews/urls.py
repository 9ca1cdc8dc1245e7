from reviews.views import urlpatterns

app_name = "reviews"

__all__ = ["app_name", "urlpatterns"]
