from payments.views import agreements, lists, reports

app_name = "payments"

# Each views module declares its own routes: the agreement and its installments, the reports, the staff lists.
urlpatterns = [*agreements.urlpatterns, *reports.urlpatterns, *lists.urlpatterns]
