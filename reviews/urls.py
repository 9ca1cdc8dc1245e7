from reviews import views_call, views_committee, views_decision, views_exports
from reviews.views import urlpatterns

app_name = "reviews"

urlpatterns += views_committee.urlpatterns
urlpatterns += views_call.urlpatterns
urlpatterns += views_decision.urlpatterns
urlpatterns += views_exports.urlpatterns

__all__ = ["app_name", "urlpatterns"]
