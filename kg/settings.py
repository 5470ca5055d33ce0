"""One settings object for the whole system, read from env and an optional TOML file.

Precedence, highest first: values passed to `load_settings` (the CLI's flags), environment
variables, the TOML file, defaults. Only this module reads the environment; every component
gets its settings through its constructor.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal, NamedTuple

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from kg.errors import ConfigError

__all__ = [
    "EMBEDDED_URI",
    "SettingValue",
    "Settings",
    "config_path",
    "default_home",
    "describe_settings",
    "load_settings",
    "private_dir",
    "redact_uri",
]

EMBEDDED_URI = "embedded"
_toml_values: ContextVar[dict[str, Any] | None] = ContextVar("_toml_values", default=None)
# Settings whose values are URIs: shown only through `redact_uri`, wherever they are shown.
_URI_FIELDS = frozenset({"graph_uri", "llm_base_url", "judge_base_url"})


def default_home() -> Path:
    """The per-user data directory (e.g. ~/.local/share/medcore on Linux)."""
    return Path(platformdirs.user_data_dir("medcore", appauthor=False))


def _env(*names: str, default: Any = None) -> Any:
    # Env names for fields whose variables are conventions of the ecosystem (OPENAI_API_KEY);
    # the field name itself stays valid for TOML files and keyword arguments (populate_by_name).
    return Field(default=default, validation_alias=AliasChoices(*names))


class _TomlValues(PydanticBaseSettingsSource):
    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return (_toml_values.get() or {}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        # Sources are merged by key, so an aliased field must come under the key the env
        # source uses, or env and TOML would both set it.
        values = {}
        for name, value in (_toml_values.get() or {}).items():
            field = self.settings_cls.model_fields.get(name)
            alias = field.validation_alias if field else None
            key = alias.choices[0] if isinstance(alias, AliasChoices) else name
            values[str(key)] = value
        return values


class Settings(BaseSettings):
    """Every knob of Med-CoReasoner. Env names are `MEDCORE_<FIELD>` unless noted."""

    model_config = SettingsConfigDict(env_prefix="MEDCORE_", extra="forbid", populate_by_name=True)

    home: Path = Field(default_factory=default_home)
    # Graph store: "embedded" (FalkorDB in `home`), or neo4j://, neo4j+s://, bolt:// URIs.
    graph_uri: str = EMBEDDED_URI
    graph_user: str = "neo4j"
    graph_password: SecretStr | None = None
    graph_database: str | None = None
    graph_name: str = "medcore"
    graph_batch_size: int = Field(default=5000, ge=1)
    graph_startup_timeout_s: float = Field(default=120.0, gt=0)
    # A reply that never comes (a stuck embedded server) becomes an error, not a hang.
    graph_query_timeout_s: float = Field(default=600.0, gt=0)
    # Neo4j: how long a statement the server refuses as transient (writers deadlocked, the
    # database not available, as while the server starts it) is sent again before it is an error.
    graph_retry_s: float = Field(default=30.0, ge=0)
    # LLM endpoint (used by the reasoning pipeline): any OpenAI-compatible server.
    model: str = _env("MEDCORE_MODEL", default="gpt-4o-mini")
    llm_base_url: str | None = _env("MEDCORE_LLM_BASE_URL", "OPENAI_BASE_URL", default=None)
    llm_api_key: SecretStr | None = _env("MEDCORE_LLM_API_KEY", "OPENAI_API_KEY", default=None)
    llm_temperature: float = 0.0
    llm_seed: int | None = 0
    llm_max_tokens: int | None = 2048
    llm_timeout_s: float = 120.0
    llm_concurrency: int = Field(default=16, ge=1)
    llm_max_retries: int = Field(default=6, ge=0)
    llm_backoff_s: float = Field(default=0.5, gt=0)  # first retry's delay; doubles, with jitter
    llm_backoff_max_s: float = Field(default=30.0, gt=0)
    # Structured output: JSON schema, JSON mode or a prompted schema; "auto" steps down
    # when the server refuses one.
    llm_structured: Literal["auto", "json_schema", "json_object", "prompt"] = "auto"
    llm_cache: bool = True  # the persistent response cache in HOME/llm-cache.sqlite
    # The judge of long-form answers in evaluation: another endpoint and model if given, else
    # the model under test's.
    judge_base_url: str | None = None
    judge_api_key: SecretStr | None = None
    judge_model: str | None = None
    link_threshold: float = Field(default=0.8, gt=0.0, le=1.0)
    # Alignment (reasoning.alignment.AlignWeights) and retrieval.
    align_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    align_structure: float = Field(default=0.25, ge=0.0, le=1.0)
    align_gloss_floor: float = Field(default=0.6, ge=0.0, le=1.0)
    retrieve_top_k: int = Field(default=8, ge=0)
    retrieve_passages: int = Field(default=3, ge=0)  # passages of local documents per question
    # Fusion: "graph" (aligned concepts merged, local-only ones inserted), "insertion" (the
    # paper's: each local concept next to its most similar English one, when at least this
    # similar); the ablations "concat" (the two chains one after the other, no alignment) and
    # "none" (no scaffold: the synthesis sees the question and the evidence only).
    fusion: Literal["graph", "insertion", "concat", "none"] = "graph"
    insertion_threshold: float = Field(default=0.7, ge=0.0, le=1.0)
    local_chain: bool = True  # False: the ablation without the local-language chain

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _TomlValues(settings_cls)

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, home: Path) -> Path:
        # The embedded server is given paths under the home and resolves them from its own
        # working directory (redis changes into its --dir before opening its log), and a
        # relative home would name another directory for every working directory.
        home = home.expanduser().absolute()
        if not _is_text(str(home)):  # bytes that are not UTF-8 (from XDG_DATA_HOME, say)
            raise ValueError(f"the path {os.fsencode(home)!r} is not valid UTF-8; choose another with --home")
        return home

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # A repr can reach a log or a traceback; a URI in it could hold a password.
        for name, value in super().__repr_args__():
            yield name, (redact_uri(value) if name in _URI_FIELDS and isinstance(value, str) else value)

    def prepare_home(self) -> None:
        """Create the home and the directories kept in it, private to their owner (0700).

        Raises:
            ConfigError: the home is a file, or cannot be created or written.
        """
        private_dir(self.home)
        private_dir(self.index_dir, tighten=True)

    @property
    def is_embedded(self) -> bool:
        return self.graph_uri == EMBEDDED_URI

    @property
    def graph_dir(self) -> Path:
        """Where the embedded store keeps its server socket and data."""
        return self.home / "graph"

    @property
    def index_dir(self) -> Path:
        """Where the normalizer's lexicon index is cached."""
        return self.home / "index"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:  # tomllib decodes the whole file as UTF-8 first
        raise ConfigError(
            f"config file {path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    # A [medcore] table is accepted as well as top-level keys.
    return dict(data.get("medcore", data))


def config_path(config: Path | str | None = None, home: Path | str | None = None) -> Path | None:
    """The TOML file the settings come from: `config`, else `$MEDCORE_CONFIG`, else
    `medcore.toml` in the home directory when there is one."""
    chosen = config or os.environ.get("MEDCORE_CONFIG")
    if chosen:
        return Path(chosen)
    candidate = Path(home or os.environ.get("MEDCORE_HOME") or default_home()) / "medcore.toml"
    return candidate if candidate.is_file() else None


def load_settings(config: Path | str | None = None, **overrides: Any) -> Settings:
    """Build the settings: overrides > env > TOML (`config`, `$MEDCORE_CONFIG`, `home/medcore.toml`).

    Raises:
        ConfigError: the TOML file or a value is malformed; the message names the field.
    """
    overrides = {k: v for k, v in overrides.items() if v is not None}
    _check_environment()
    path = config_path(config, overrides.get("home"))
    token = _toml_values.set(_read_toml(path) if path else {})
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        source = f" (config file {path})" if path else ""
        raise ConfigError(f"invalid settings{source}: {problems}") from None
    finally:
        _toml_values.reset(token)


def _check_environment() -> None:
    """Our environment variables must be text: Python hands bytes that are not UTF-8 on as
    lone surrogates, which fail far from here (a path the server cannot use, a value that
    cannot be printed). The value is not shown: it may be a secret."""
    ours = {name for field_name, field in Settings.model_fields.items() for name in _env_names(field_name, field)}
    for name, value in os.environ.items():
        if (name.startswith("MEDCORE_") or name.upper() in ours) and not _is_text(value):
            raise ConfigError(f"environment variable {name} is not valid UTF-8; set it again as UTF-8 text")


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """`path` as a directory only its owner can enter: created with mode 0700 (and so its
    missing parents), whatever the umask. An existing directory keeps its mode unless
    `tighten` (a directory that is ours alone, such as the index cache): a home the user
    chose may be shared on purpose.

    Raises:
        ConfigError: the path or a parent is a file, or it cannot be created or written;
            names the directory and what to do.
    """
    hint = "choose a writable directory with --home or MEDCORE_HOME"
    missing = []
    for step in (path, *path.parents):
        if step.is_dir():
            break
        if os.path.lexists(step):
            where = "" if step == path else f"cannot be used: {step} "
            raise ConfigError(f"the data directory {path} {where}is a file, not a directory; {hint}")
        missing.append(step)
    for step in reversed(missing):
        try:
            os.mkdir(step, 0o700)
        except FileExistsError:  # another process made it meanwhile
            continue
        except OSError as exc:
            raise ConfigError(f"cannot create the data directory {step}: {exc.strerror}; {hint}") from None
        os.chmod(step, 0o700)  # the umask may have taken bits off
    mode = path.stat()
    if tighten and mode.st_mode & 0o077 and mode.st_uid == os.getuid():
        os.chmod(path, 0o700)
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"the data directory {path} is not writable; {hint}")
    return path


class SettingValue(NamedTuple):
    """One effective setting, fit to show: secrets masked, URIs without credentials."""

    name: str
    value: Any
    source: str  # "command line", "environment VAR", "config file PATH" or "default"


def describe_settings(config: Path | str | None = None, **overrides: Any) -> list[SettingValue]:
    """Every setting's effective value and where it came from, in field order.

    Raises:
        ConfigError: as `load_settings`.
    """
    settings = load_settings(config, **overrides)
    path = config_path(config, overrides.get("home"))
    in_file = _read_toml(path) if path else {}
    environment = {name.upper() for name in os.environ}
    described = []
    for name, field in Settings.model_fields.items():
        env = next((var for var in _env_names(name, field) if var in environment), None)
        if overrides.get(name) is not None:
            source = "command line"
        elif env:
            source = f"environment {env}"
        elif name in in_file:
            source = f"config file {path}"
        else:
            source = "default"
        described.append(SettingValue(name, _shown(name, getattr(settings, name)), source))
    return described


def _env_names(name: str, field: FieldInfo) -> list[str]:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice).upper() for choice in alias.choices]
    return [f"MEDCORE_{name.upper()}"]


def _shown(name: str, value: Any) -> Any:
    if isinstance(value, SecretStr):
        return "********" if value.get_secret_value() else ""
    if name in _URI_FIELDS and value is not None:
        return redact_uri(value)
    return str(value) if isinstance(value, Path) else value


# scheme://[credentials@]host[:port][/path][?query]: what a URI without secrets keeps is the
# scheme, host, port and path. The host is a name or an [IPv6] literal and the port digits,
# so that `neo4j://neo4j:PASSWORD` (the host forgotten) is no host with a port; a path never
# holds a colon or an @, which would be credentials in the wrong place.
_URI = re.compile(
    r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?:[^@/?#]*@)?"
    r"(?P<host>(?:\[[0-9a-f:.]+\]|[a-z0-9._~-]*)(?::[0-9]{1,5})?)"
    r"(?P<path>/[^@?#:]*)?(?:[?#][^@]*)?$",
    re.I,
)


def redact_uri(uri: str) -> str:
    """The URI without any user:password part, query or fragment, fit for messages and logs.
    A value that is not a well-formed URI (`neo4j:/user:pw@host`, `neo4j//...`, a bare
    word, credentials without a scheme) is not shown at all: where a password sits in it
    is unknown."""
    if uri == EMBEDDED_URI:
        return uri
    parts = _URI.match(uri)
    if parts is None:
        return "<malformed URI, not shown>"
    return f"{parts['scheme']}://{parts['host']}{parts['path'] or ''}"
