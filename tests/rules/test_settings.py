"""Settings that would be unsafe together are refused at startup, with the reason."""

import pytest
from pydantic import ValidationError

from api.settings import Settings


def test_production_refuses_the_development_issuer() -> None:
    with pytest.raises(ValidationError, match="HR_DEV_AUTH=1 is refused with HR_ENV=production"):
        Settings(HR_ENV="production", HR_DEV_AUTH=True)


def test_a_benchmark_may_say_it_signs_its_own_tokens() -> None:
    settings = Settings(HR_ENV="production", HR_DEV_AUTH=True, HR_DEV_AUTH_IN_PRODUCTION=True)
    assert settings.is_production and settings.dev_auth


def test_development_and_tests_keep_the_development_issuer() -> None:
    assert Settings(HR_ENV="development", HR_DEV_AUTH=True).dev_auth
    assert Settings(HR_ENV="test", HR_DEV_AUTH=True).dev_auth
    assert not Settings(HR_ENV="production").dev_auth
