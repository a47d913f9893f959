"""docs/config.md is generated from the config schema and kept current; the generator lists every
key, nested and referenced ones included, with its type, allowed values and default."""

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from hybridir.config_reference import COMMAND, Key, keys, literal, main, page, table
from hybridir.schemas import config_schema
from tests.support import REPO

PAGE = REPO / "docs" / "config.md"

# JSON Schema keywords the config schema may use; anything else is a typo or a YAML slip
# (an unquoted comma in a flow mapping makes a key of the text after it).
KEYWORDS = {
    "$schema", "$defs", "$ref", "title", "description", "type", "properties", "required",
    "additionalProperties", "items", "enum", "const", "default", "minimum", "maximum",
    "exclusiveMinimum", "minItems", "maxItems", "uniqueItems", "minLength", "pattern",
    "oneOf", "anyOf", "allOf", "if", "then", "else",
}  # fmt: skip
# keywords whose value is data (or a mapping of names), not a schema
NOT_SCHEMAS = {"default", "enum", "const", "required", "description", "title", "pattern", "type", "$schema", "$ref"}

TOY = {
    "$defs": {
        "name": {"type": "string", "pattern": "^[a-z]+$", "description": "an identifier"},
        "entry": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"$ref": "#/$defs/name"},
                "rate": {"type": "number", "exclusiveMinimum": 0, "default": 3.0e-5},
            },
        },
    },
    "type": "object",
    "required": ["entries"],
    "properties": {
        "entries": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/entry"}},
        "mode": {"enum": ["a", "b", None], "default": None, "description": "the mode"},
        "source": {
            "description": "a path or three of them",
            "oneOf": [
                {"type": "string"},
                {"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}},
            ],
        },
        "kind": {"enum": ["plain", "split"], "default": "plain"},
        "label": {"$ref": "#/$defs/name", "description": "the label, overriding the definition's"},
    },
    "allOf": [{"if": {"properties": {"kind": {"const": "split"}}}, "then": {"required": ["source"]}}],
}


def schema_nodes(node: Mapping[str, Any], where: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every schema object of the config schema with the path that reaches it."""
    yield where, node
    for key, value in node.items():
        if key in ("properties", "$defs"):
            for name, child in value.items():
                yield from schema_nodes(child, f"{where}/{key}/{name}")
        elif key in ("oneOf", "anyOf", "allOf"):
            for i, child in enumerate(value):
                yield from schema_nodes(child, f"{where}/{key}/{i}")
        elif key not in NOT_SCHEMAS and isinstance(value, Mapping):
            yield from schema_nodes(value, f"{where}/{key}")


def test_docs_config_md_is_what_the_schema_generates() -> None:
    assert PAGE.read_text() == page(config_schema()), (
        f"{PAGE.relative_to(REPO)} differs from workflow/schemas/config.schema.yaml: run `{COMMAND}` "
        "(with workflow/ on PYTHONPATH) and commit the page"
    )


def test_the_schema_uses_only_json_schema_keywords() -> None:
    for where, node in schema_nodes(config_schema()):
        unknown = set(node) - KEYWORDS
        assert not unknown, f"config.schema.yaml {where or '/'}: {sorted(unknown)} are not JSON Schema keywords"


def test_every_key_is_listed_with_references_resolved() -> None:
    rows = {row.path: row for row in keys(TOY, TOY["$defs"])}
    assert list(rows) == ["entries", "entries[].name", "entries[].rate", "mode", "source", "source.x", "kind", "label"]
    assert rows["entries"] == Key("entries", "list of object", "at least 1", "required", "")
    assert rows["entries[].name"] == Key("entries[].name", "string", "matches `^[a-z]+$`", "required", "an identifier")
    assert rows["entries[].rate"].allowed == "> 0" and rows["entries[].rate"].default == "`3.0e-05`"
    assert rows["mode"] == Key("mode", "string or null", '`"a"`, `"b"`, `null`', "`null`", "the mode")
    assert rows["source"].type == "string or object" and rows["source.x"].default == "required"
    assert rows["label"].description == "the label, overriding the definition's"


def test_a_key_required_by_a_condition_says_when() -> None:
    rows = {row.path: row for row in keys(TOY, TOY["$defs"])}
    assert rows["source"].default == 'required when kind is `"split"`'


def test_real_schema_rows_cover_nested_lists_and_branches() -> None:
    rows = {row.path: row for row in keys(config_schema(), config_schema()["$defs"])}
    assert rows["training.hard_negatives"].type == "integer"
    assert '`"lareqa"`' in rows["benchmarks[].format"].allowed
    assert "benchmarks[].source.corpus" in rows
    assert rows["parallel_datasets[].source.triples"].description.startswith('(when format is `"triples"`)')
    assert rows["training.encoders[].zero_shot_prompts.query"].default == "required"


def test_literals_are_written_as_yaml_reads_them() -> None:
    values = [3.0e-5, 0.5, 10000, None, True, "Query: ", [0.2, 5.0], {}]
    expected = ["3.0e-05", "0.5", "10000", "null", "true", '"Query: "', "[0.2, 5.0]", "{}"]
    assert [literal(value) for value in values] == expected
    assert yaml.safe_load(f"x: {literal(3.0e-5)}") == {"x": 3.0e-5}


def test_table_cells_keep_pipes_and_tags_visible() -> None:
    (line,) = table([Key("a", "string", "", "—", "a | b, <name> and `<kept>`")])[2:]
    assert line == "| `a` | string |  | — | a \\| b, &lt;name> and `<kept>` |"


def test_the_command_writes_the_page(tmp_path: Path) -> None:
    main(["--write", str(tmp_path / "config.md")])
    assert (tmp_path / "config.md").read_text() == page(config_schema())
