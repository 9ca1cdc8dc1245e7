from applications.views import files, organization, staff

app_name = "applications"

# Each views module declares its own routes, so that organization and staff screens stay apart.
urlpatterns = [*organization.urlpatterns, *files.urlpatterns, *staff.urlpatterns]
