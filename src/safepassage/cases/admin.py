from django.contrib import admin

from safepassage.cases.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Pseudonyms only: revealing happens on the person's page, where it is audited."""

    list_display = ["code", "real_name_masked", "sex", "birth_year", "province", "created_at"]
    list_filter = ["sex", "province"]
    search_fields = ["code"]
    fields = ["code", "real_name_masked", "sex", "birth_year", "province", "country"]
    readonly_fields = ["code", "real_name_masked"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
