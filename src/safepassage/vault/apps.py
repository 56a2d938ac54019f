from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "safepassage.vault"
    label = "vault"
