from django.contrib import admin

from safepassage.base.admin_site import ReadOnlyAdmin
from safepassage.cases.models import Person


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    """Pseudonyms only: revealing happens on the person's page, where it is audited."""

    list_display = ["code", "real_name_masked", "sex", "birth_year", "province", "created_at"]
    list_filter = ["sex", "province"]
    search_fields = ["code"]
    fields = ["code", "real_name_masked", "sex", "birth_year", "province", "country"]
    readonly_fields = ["code", "real_name_masked"]
