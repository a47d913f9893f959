"""docs/config.md, the configuration reference, generated from the config schema: every key
(nested ones as `training.encoders[].pooling`) with its type, allowed values, default and
description, `$defs` references resolved.

    python -m hybridir.config_reference --write docs/config.md
"""

import argparse
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hybridir.atomic import atomic_write
from hybridir.schemas import config_schema

COMMAND = "python -m hybridir.config_reference --write docs/config.md"
HEADER = ("key", "type", "allowed", "default", "description")


@dataclass(frozen=True)
class Key:
    """One row of the reference: a config key and what the schema says of it."""

    path: str
    type: str
    allowed: str
    default: str
    description: str


def resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> dict[str, Any]:
    """`node` with its `$ref` replaced by the definition, the node's own keys winning."""
    if "$ref" not in node:
        return dict(node)
    target = resolve(defs[node["$ref"].removeprefix("#/$defs/")], defs)
    target.update({key: value for key, value in node.items() if key != "$ref"})
    return target


def _alternatives(node: Mapping[str, Any], defs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The node itself, or each of its `oneOf` / `anyOf` alternatives."""
    choices = node.get("oneOf") or node.get("anyOf")
    return [resolve(choice, defs) for choice in choices] if choices else [node]


def type_name(node: Mapping[str, Any], defs: Mapping[str, Any]) -> str:
    """`integer`, `string or null`, `list of string`, `string or object`, ..."""
    names: list[str] = []
    for choice in _alternatives(node, defs):
        types = choice.get("type")
        if types is None and "enum" in choice:
            types = sorted({"null" if value is None else "string" for value in choice["enum"]}, key="null".__eq__)
        for kind in [types] if isinstance(types, str) else types or []:
            if kind == "array" and "items" in choice:
                kind = f"list of {type_name(resolve(choice['items'], defs), defs)}"
            elif kind == "object" and isinstance(choice.get("additionalProperties"), Mapping):
                kind = f"mapping to {type_name(choice['additionalProperties'], defs)}"
            names.append(kind)
    return " or ".join(dict.fromkeys(names))


def literal(value: Any) -> str:
    """`value` in YAML flow style, as it would be written in config.yaml (3.0e-05, not 3e-05,
    which YAML reads as a string)."""
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {literal(item)}" for key, item in value.items()) + "}"
    if isinstance(value, float) and "e" in repr(value) and "." not in repr(value):
        return repr(value).replace("e", ".0e")
    return json.dumps(value, ensure_ascii=False)


def _code(value: Any) -> str:
    return f"`{literal(value)}`"


def _bounds(node: Mapping[str, Any]) -> str:
    """`0 to 1`, `≥ 1`, `> 0`, or nothing."""
    low = node.get("minimum")
    high = node.get("maximum")
    if low is not None and high is not None:
        return f"{low} to {high}"
    if "exclusiveMinimum" in node:
        return f"> {node['exclusiveMinimum']}"
    if low is not None:
        return f"≥ {low}"
    return f"≤ {high}" if high is not None else ""


def _counts(node: Mapping[str, Any]) -> list[str]:
    """What a list must hold: its length and uniqueness."""
    low, high = node.get("minItems"), node.get("maxItems")
    parts = [f"{low} items" if low == high and low is not None else ""]
    parts += [f"at least {low}" if low is not None and low != high else ""]
    parts += [f"at most {high}" if high is not None and low != high else ""]
    return [*parts, "unique" if node.get("uniqueItems") else ""]


def allowed(node: Mapping[str, Any], defs: Mapping[str, Any]) -> str:
    """The values a key accepts beyond its type: enum, bounds, pattern, list length."""
    items = resolve(node.get("items", {}), defs)
    parts = [", ".join(_code(value) for value in node["enum"]) if "enum" in node else ""]
    parts += ["each " + ", ".join(_code(value) for value in items["enum"]) if "enum" in items else ""]
    parts += [_bounds(node), f"each {_bounds(items)}" if _bounds(items) else ""]
    parts += [f"matches `{node['pattern']}`" if "pattern" in node else ""]
    parts += [f"each matches `{items['pattern']}`" if "pattern" in items else ""]
    parts += ["non-empty" if node.get("minLength") == 1 else "", *_counts(node)]
    return "; ".join(part for part in parts if part)


def _condition(branch_if: Mapping[str, Any]) -> str:
    """`format is "triples"` from an `if` that tests one property's const or enum."""
    name, test = next(iter(branch_if["properties"].items()))
    values = [test["const"]] if "const" in test else test["enum"]
    return f"{name} is " + " or ".join(_code(value) for value in values)


def branches(node: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(condition, schema) of each `then` / `else` of the node's `allOf` if-then-else rules."""
    for rule in node.get("allOf", []):
        condition = _condition(rule["if"])
        if "then" in rule:
            yield f"when {condition}", rule["then"]
        if "else" in rule:
            yield f"unless {condition}", rule["else"]


def default(node: Mapping[str, Any], required: bool, condition: str) -> str:
    """The default as config.yaml would write it, or whether (and when) the key must be given."""
    if "default" in node:
        return _code(node["default"])
    if required:
        return "required"
    return f"required {condition}" if condition else "—"


def _merged_properties(node: Mapping[str, Any], defs: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each property of an object, merged with what its if-then-else branches add to it."""
    properties = {name: resolve(value, defs) for name, value in node.get("properties", {}).items()}
    for condition, branch in branches(node):
        for name, extra in branch.get("properties", {}).items():
            merged = properties.setdefault(name, {})
            merged.setdefault("oneOf", []).append({**resolve(extra, defs), "condition": condition})
    return properties


def _conditional_required(node: Mapping[str, Any]) -> dict[str, str]:
    """Property name -> the condition under which a branch requires it."""
    return {name: condition for condition, branch in branches(node) for name in branch.get("required", [])}


def keys(node: Mapping[str, Any], defs: Mapping[str, Any], prefix: str = "") -> Iterator[Key]:
    """Every key under an object schema, depth first, in schema order."""
    required = set(node.get("required", []))
    conditional = _conditional_required(node)
    for name, child in _merged_properties(node, defs).items():
        path = f"{prefix}{name}"
        condition = child.get("condition", "")
        description = " ".join(child.get("description", "").split())
        row = Key(
            path,
            type_name(child, defs),
            allowed(child, defs),
            default(child, name in required, conditional.get(name, "")),
            f"({condition}) {description}" if condition else description,
        )
        yield row
        yield from nested_keys(child, defs, path)


def nested_keys(node: Mapping[str, Any], defs: Mapping[str, Any], path: str) -> Iterator[Key]:
    """The keys inside a key: an object's properties, a list's items, each alternative's."""
    for choice in _alternatives(node, defs):
        condition = choice.get("condition", "")
        items = resolve(choice.get("items", {}), defs)
        if "properties" in choice:
            for row in keys(choice, defs, f"{path}."):
                note = f"({condition}) " if condition else ""
                yield Key(row.path, row.type, row.allowed, row.default, note + row.description)
        elif "properties" in items:
            yield from keys(items, defs, f"{path}[].")


def _escape(text: str) -> str:
    """Table-cell text: pipes escaped, `<` kept visible outside code spans."""
    parts = text.replace("|", "\\|").split("`")
    return "`".join(part if i % 2 else part.replace("<", "&lt;") for i, part in enumerate(parts))


def table(rows: list[Key], links: Mapping[str, str] | None = None) -> list[str]:
    """A Markdown table of rows; a key in `links` points to that anchor."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        key = f"`{row.path}`"
        key = f"[{key}](#{links[row.path]})" if links and row.path in links else key
        cells = [_escape(cell) for cell in (row.type, row.allowed, row.default, row.description)]
        lines.append("| " + " | ".join([key, *cells]) + " |")
    return lines


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading (lower case, punctuation dropped, spaces to hyphens)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def sections(schema: Mapping[str, Any]) -> dict[str, list[Key]]:
    """Top-level key -> its rows (the key first, then every key inside it)."""
    grouped: dict[str, list[Key]] = {}
    for row in keys(schema, schema.get("$defs", {})):
        grouped.setdefault(re.split(r"[.\[]", row.path)[0], []).append(row)
    return grouped


def page(schema: Mapping[str, Any]) -> str:
    """The whole page: the top-level keys, then one section per key that has keys inside."""
    grouped = sections(schema)
    nested = {name: anchor(name) for name, rows in grouped.items() if len(rows) > 1}
    lines = [
        "# Configuration reference",
        "",
        "<!-- Generated from workflow/schemas/config.schema.yaml: do not edit by hand. -->",
        "Generated from [the config schema](../workflow/schemas/config.schema.yaml) by",
        f"`{COMMAND}` (with `workflow/` on `PYTHONPATH`, or the",
        "package installed): edit descriptions and defaults in the schema, then rerun it;",
        "`tests/test_config_reference.py` fails while this page differs.",
        "",
        " ".join(schema.get("description", "").split()),
        "A key inside a list is written `name[].key`; `required`: the key must be given (it has no default).",
        "",
        "## Top level",
        "",
        *table([rows[0] for rows in grouped.values()], nested),
    ]
    for name in nested:
        lines += ["", f"## {name}", "", *table(grouped[name][1:])]
    return "\n".join(lines) + "\n"


def write(path: Path) -> None:
    """Rewrite the reference page at `path` from the installed schema."""
    text = page(config_schema())
    with atomic_write(path) as temporary:
        temporary.write_text(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, metavar="PATH", help="write the page here (default: print it)")
    args = parser.parse_args(argv)
    if args.write:
        write(args.write)
    else:
        print(page(config_schema()), end="")


if __name__ == "__main__":
    main()
