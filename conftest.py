"""The fixtures shared by every test live in ``safepassage.testing.fixtures``."""

pytest_plugins = ["safepassage.testing.fixtures"]
