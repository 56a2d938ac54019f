import pytest

from safepassage.testing.demo import built_demo


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo organisation, built once for every test of this package (the demo takes
    several seconds), then rolled back. Each test still runs in a savepoint of its own."""
    with django_db_blocker.unblock(), built_demo(tmp_path_factory.mktemp("mail")) as printed:
        yield printed
