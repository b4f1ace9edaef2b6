"""The sample study loaded once per backend for the search tests, and ``codeer search`` run on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SAMPLE_CODEBOOKS, SAMPLE_TRANSCRIPTS, run_cli


@pytest.fixture(name="study", scope="module", params=["sqlite", "postgresql"])
def study_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple]:
    """The sample study loaded once per backend: (project folder, database URL)."""
    folder = tmp_path_factory.mktemp(f"search-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'codeer.db'}"
        name = None
    else:
        server = request.getfixturevalue("pg_server")
        name = server.create_database()
        url = server.url(name)
    for codebook in SAMPLE_CODEBOOKS:
        assert run_cli(folder, "--db", url, "codebook", "load", str(codebook)).code == 0
    result = run_cli(folder, "--db", url, "import", str(SAMPLE_TRANSCRIPTS))
    assert result.code == 0, result.err
    result = run_cli(folder, "--db", url, "codings", "import", str(SAMPLE_TRANSCRIPTS / "codings-sample.csv"))
    assert result.code == 0, result.err
    yield folder, url
    if name is not None:
        request.getfixturevalue("pg_server").drop_database(name)


def search(study: tuple, *args: str, output: Path | None = None):
    folder, url = study
    extra = ["-o", str(output)] if output else []
    return run_cli(folder, "--db", url, "search", *args, *extra)
