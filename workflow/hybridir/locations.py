"""Where a source lives: a file (local path, URL, fsspec chain) or a Hub dataset id; which local
files it reads. No I/O and no heavy imports: the workflow's plan uses it to name job inputs."""

import re
from pathlib import Path

from hybridir.errors import ConfigError

# file suffix -> the `datasets` builder that reads it
FILE_BUILDERS = {".jsonl": "json", ".json": "json", ".parquet": "parquet", ".csv": "csv", ".tsv": "csv"}
COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst")


def data_suffix(source: str) -> str:
    """The data suffix of a file source, a compression suffix (.gz, .bz2) skipped."""
    suffixes = Path(source.split("::")[0]).suffixes
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def is_file_source(source: str) -> bool:
    """Whether `source` names a file (path or URL) rather than a Hub dataset id."""
    return data_suffix(source) in FILE_BUILDERS


def is_remote(source: str) -> bool:
    return "://" in source


def local_files(source: str) -> list[str]:
    """The local file a source reads, or nothing for Hub ids, URLs and globs."""
    if is_file_source(source) and not is_remote(source) and not any(c in source for c in "*?["):
        return [source]
    return []


def check_template_value(name: str, value: str, key: str) -> None:
    """A value put into a source template's `{name}` keeps the location inside the folder (or
    repository, or site) that the template names: no absolute path, drive, URL or '..' segment."""
    escapes = (
        value.startswith(("/", "\\", "~"))
        or re.match(r"^[A-Za-z]:", value) is not None
        or "://" in value
        or "\0" in value
        or ".." in re.split(r"[/\\]", value)
    )
    if escapes:
        raise ConfigError(
            f"config key {key}: {{{name}}} = {value!r} would lead outside the location that the source names; "
            "a templated value must be a relative name without '..'"
        )


def fill_template(template: str, key: str, **values: str) -> str:
    """`template` with each `{name}` replaced by `values[name]`, each value checked by
    check_template_value (a ConfigError naming `key`)."""
    for name, value in values.items():
        check_template_value(name, value, key)
        template = template.replace(f"{{{name}}}", value)
    return template
