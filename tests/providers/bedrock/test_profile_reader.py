"""ProfileReader: one botocore Session per reader, made when first asked, reading what a
full botocore Session reads of the environment and the config file; a new reader reads
them afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatplex.providers.bedrock.auth import import_botocore
from chatplex.providers.bedrock.profile_reader import ProfileReader

pytest.importorskip("botocore")

pytestmark = pytest.mark.usefixtures("isolated_aws")

#: The variables a Bedrock build reads through a reader (`auth`).
READ = (
    "region",
    "ignore_configured_endpoint_urls",
    "max_attempts",
    "retry_mode",
    "user_agent_appid",
    "request_checksum_calculation",
    "response_checksum_validation",
)


def test_one_session_made_when_first_asked_and_kept() -> None:
    botocore = import_botocore()
    reader = ProfileReader("team")
    assert reader._session is None  # nothing read until a lookup needs it
    session = reader.session(botocore)
    assert reader.session(botocore) is session
    assert session.profile == "team"
    assert ProfileReader.of(reader) is reader  # a build's, passed down
    assert ProfileReader.of("team").session(botocore) is not session  # a new one: read anew


def test_it_reads_what_a_full_session_reads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The Session without botocore's built-in handlers reads the same config values."""
    botocore = import_botocore()
    (tmp_path / "config").write_text(
        "[default]\nregion = us-west-1\n"
        "[profile team]\nregion = ap-south-1\nmax_attempts = 5\nretry_mode = legacy\n"
        "sdk_ua_app_id = app-1\nrequest_checksum_calculation = when_required\n"
        "endpoint_url = http://127.0.0.1:7006\n"
    )
    monkeypatch.setenv("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")
    for profile in (None, "team"):
        full = botocore.session.Session(profile=profile)
        session = ProfileReader(profile).session(botocore)
        assert [session.get_config_variable(n) for n in READ] == [
            full.get_config_variable(n) for n in READ
        ]
        assert session.get_scoped_config() == full.get_scoped_config()
    team = ProfileReader("team").session(botocore)
    assert (team.get_config_variable("region"), team.get_config_variable("max_attempts")) == (
        "ap-south-1",
        5,
    )


def test_a_missing_profile_is_botocores_error_at_the_first_lookup() -> None:
    botocore = import_botocore()
    session = ProfileReader("absent").session(botocore)  # made: the profile not yet read
    with pytest.raises(botocore.exceptions.ProfileNotFound, match="absent"):
        session.get_config_variable("region")
