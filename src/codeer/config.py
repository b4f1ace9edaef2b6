"""Project settings: ``codeer.yaml`` in the project folder, then environment, then command-line flags.

Only typed, known settings are accepted, so a typo in ``codeer.yaml`` is an error with its line, not a
setting silently ignored. Credentials never live here: a database URL with a password is refused (use the
environment, ``CODEER_DB``, or ``~/.pgpass``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from codeer.errors import CodeerError
from codeer.store.database import is_secret_parameter
from codeer.store.moderators import DEFAULT_RULE, ModeratorRule

if TYPE_CHECKING:
    from codeer.yamlread import LocatedDict

CONFIG_FILE = "codeer.yaml"
DEFAULT_DB_FILE = "codeer.db"


@dataclass
class Settings:
    """Everything a project may configure. Defaults suit one researcher with a Dutch study."""

    project: Path
    db: str = ""
    language: str = "nl"
    coder: str = ""
    spacy_model: str = ""
    show_others_allowed: bool = True
    keys: dict[str, str] = field(default_factory=dict)
    backups: int = 10
    moderators: ModeratorRule = DEFAULT_RULE

    @property
    def db_url(self) -> str:
        return self.db or f"sqlite:///{self.project / DEFAULT_DB_FILE}"


_FIELDS: dict[str, type] = {
    "db": str,
    "language": str,
    "coder": str,
    "spacy_model": str,
    "show_others_allowed": bool,
    "keys": dict,
    "backups": int,
    "moderators": dict,
}


_KINDS: dict[type, str] = {str: "text", bool: "true or false", int: "a whole number", dict: "a mapping"}


def _of_kind(value: object, expected: type) -> bool:
    """Whether a setting's value has the kind the setting takes (``true`` is not a whole number)."""
    return isinstance(value, expected) and not (expected is int and isinstance(value, bool))


def _check_url(url: str, where: str | Path, line: int | None) -> None:
    """A URL in codeer.yaml (a shared file) carries no secret: no password, no secret query parameter."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        unquoted = "not a database URL (not quoted here: it may hold a secret)"
        raise CodeerError(unquoted, where, line) from exc
    secret = [name for name in parsed.query if is_secret_parameter(name)]
    if parsed.password or secret:
        what = f"a secret ({', '.join(sorted(secret))})" if secret and not parsed.password else "a password"
        raise CodeerError(f"{what} does not belong in codeer.yaml; use CODEER_DB or ~/.pgpass", where, line)


def _moderator_rule(value: LocatedDict, where: Path) -> ModeratorRule:
    """``moderators: {roles: [...], names: [...]}``: the role values and names that mark a moderator.

    A list left out keeps codeer's default words; an empty list marks nobody that way.
    """
    unknown = [str(key) for key in value if key not in ("roles", "names")]
    if unknown:
        known = "known: names, roles"
        line = value.line_of(unknown[0])
        raise CodeerError(f"unknown key {unknown[0]!r} in setting 'moderators' ({known})", where, line)
    words: dict[str, tuple[str, ...]] = {}
    for key in ("roles", "names"):
        given = value.get(key, list(getattr(DEFAULT_RULE, key)))
        if not isinstance(given, list) or not all(isinstance(w, str) and w.strip() for w in given):
            example = "e.g. 'roles: [moderator, facilitator]'"
            line = value.value_line(key)
            raise CodeerError(f"setting 'moderators' {key} must be a list of words, {example}", where, line)
        words[key] = tuple(w.strip().lower() for w in given)
    return ModeratorRule(**words)


def read_settings(
    project: Path,
    *,
    db: str | None = None,
    coder: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Settings for ``project``: file, then ``CODEER_DB``/``CODEER_CODER``, then the given flags."""
    env = os.environ if environ is None else environ
    settings = Settings(project=project.resolve())
    path = settings.project / CONFIG_FILE
    if path.exists():
        from codeer.yamlread import LocatedDict, read_located  # the YAML reader only for a settings file

        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CodeerError("not UTF-8 text; save codeer.yaml as UTF-8", path) from exc
        data: Any = read_located(text, path, what="the settings file", too_deep="settings") or LocatedDict()
        if not isinstance(data, LocatedDict):
            raise CodeerError("expected a mapping of settings", path, 1)
        value: Any
        for key, value in data.items():
            line = data.line_of(key)
            if key not in _FIELDS:
                known = ", ".join(sorted(_FIELDS))
                raise CodeerError(f"unknown setting {key!r} (known: {known})", path, line)
            expected = _FIELDS[key]
            if not _of_kind(value, expected):
                raise CodeerError(f"setting {key!r} must be {_KINDS[expected]}", path, line)
            if key == "keys" and not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                example = "e.g. 'coding.undo: z'"
                raise CodeerError(f"setting 'keys' must map binding ids to keys, {example}", path, line)
            if key == "db":
                _check_url(value, path, line)
            if key == "moderators":
                value = _moderator_rule(value, path)
            setattr(settings, key, value)
    if env.get("CODEER_DB"):
        settings.db = env["CODEER_DB"]
    if env.get("CODEER_CODER"):
        settings.coder = env["CODEER_CODER"]
    if db:
        settings.db = db
    if coder:
        settings.coder = coder
    return settings


def remember_coder(settings: Settings, name: str) -> None:
    """Store the default coder in ``codeer.yaml`` (asked once at first start), keeping other settings."""
    import yaml

    path = settings.project / CONFIG_FILE
    data: dict[str, Any] = {}
    if path.exists():
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    data["coder"] = name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    settings.coder = name
