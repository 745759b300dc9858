"""Generate the README's requirements, providers, inputs, outputs and resources tables from the .tf files.

`python scripts/readme_tables.py` rewrites the tables between the README's markers;
`--check` fails when they differ from what the .tf files say (a test runs it). The tables follow
terraform-docs: full type expressions and defaults, every resource and data source of the root
module and its local submodules.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
_BLOCK = re.compile(r'^(variable|output) "([A-Za-z0-9_-]+)" \{', re.MULTILINE)
_ATTRIBUTE = re.compile(r"^  ([a-z_]+)\s*=\s*", re.MULTILINE)
_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _scan(text: str, start: int, stack: list[str]) -> int:
    """Index where a walk from text[start] ends, skipping brackets inside strings: where the
    closing brackets in `stack` are all met, or (with an empty stack) at a newline outside brackets."""
    closing_all = bool(stack)
    index, in_string = start, False
    while index < len(text):
        char = text[index]
        if in_string:
            index += char == "\\"
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char in _PAIRS:
            stack.append(_PAIRS[char])
        elif stack and char == stack[-1]:
            stack.pop()
            if closing_all and not stack:
                return index
        elif char == "\n" and not stack and not closing_all:
            return index
        index += 1
    return index


def _block_body(text: str, start: int) -> str:
    """The text inside the braces opening at text[start - 1]."""
    return text[start : _scan(text, start, ["}"])]


_HEREDOC = re.compile(r"<<-?([A-Z]+)\n(.*?)\n\s*\1\b", re.DOTALL)


def _expression(body: str, start: int) -> str:
    """The expression starting at body[start], up to its end of line at bracket depth 0."""
    heredoc = _HEREDOC.match(body, start)
    if heredoc:
        return json.dumps(" ".join(heredoc.group(2).split()))
    return body[start : _scan(body, start, [])].strip()


def attributes(body: str) -> dict[str, str]:
    """Top-level `name = expression` pairs of a block body (two-space indented, as fmt writes)."""
    return {m.group(1): _expression(body, m.end()) for m in _ATTRIBUTE.finditer(body)}


def blocks(path: Path, kind: str) -> list[tuple[str, dict[str, str]]]:
    text = path.read_text()
    return [
        (m.group(2), attributes(_block_body(text, m.end())))
        for m in _BLOCK.finditer(text)
        if m.group(1) == kind
    ]


def _one_line(expression: str) -> str:
    """The expression on one line: whitespace normalized, object attributes (one a line in HCL)
    separated by commas."""
    lines = [line.strip() for line in expression.splitlines() if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        separate = not joined.endswith(("(", "{", "[", ",")) and not line.startswith((")", "}", "]"))
        joined += (", " if separate else "") + line
    return re.sub(r"\s+", " ", joined)


def _code(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`"


def _type(expression: str) -> str:
    return _code(_one_line(expression))


def _default(attrs: dict[str, str]) -> str:
    if "default" not in attrs:
        return "required"
    return _code(_one_line(attrs["default"]))


def _text(expression: str) -> str:
    return json.loads(expression).replace("|", "\\|")


def inputs_table() -> str:
    rows = ["| Name | Type | Default | Description |", "|---|---|---|---|"]
    for name, attrs in blocks(ROOT / "variables.tf", "variable"):
        rows.append(
            f"| `{name}` | {_type(attrs['type'])} | {_default(attrs)} | {_text(attrs['description'])} |"
        )
    return "\n".join(rows)


def outputs_table() -> str:
    rows = ["| Name | Description |", "|---|---|"]
    for name, attrs in blocks(ROOT / "outputs.tf", "output"):
        rows.append(f"| `{name}` | {_text(attrs['description'])} |")
    return "\n".join(rows)


_VERSIONS = ROOT / "versions.tf"
_PROVIDER = re.compile(r"^    ([a-z0-9_-]+) = \{(.*?)^    \}", re.MULTILINE | re.DOTALL)
_RESOURCE = re.compile(r'^(resource|data) "([a-z0-9_]+)" "([a-z0-9_]+)" \{', re.MULTILINE)
_MODULE_CALL = re.compile(
    r'^module "([a-z0-9_]+)" \{.*?^  source\s*=\s*"\./([^"]+)"', re.MULTILINE | re.DOTALL
)


def providers() -> list[tuple[str, str, str]]:
    """(name, source, version constraint) of every provider versions.tf requires."""
    text = _VERSIONS.read_text()
    found = []
    for match in _PROVIDER.finditer(text):
        attrs = {
            m.group(1): _expression(match.group(2), m.end())
            for m in re.finditer(r"^\s+(source|version)\s*=\s*", match.group(2), re.MULTILINE)
        }
        found.append((match.group(1), json.loads(attrs["source"]), json.loads(attrs["version"])))
    return found


def requirements_table() -> str:
    required = re.search(r'required_version\s*=\s*"([^"]+)"', _VERSIONS.read_text())
    rows = ["| Name | Version |", "|---|---|", f"| terraform | `{required.group(1)}` |"]
    rows += [f"| {name} (`{source}`) | `{version}` |" for name, source, version in providers()]
    return "\n".join(rows)


def providers_table() -> str:
    rows = ["| Name | Version |", "|---|---|"]
    rows += [f"| {name} | `{version}` |" for name, _, version in providers()]
    return "\n".join(rows)


def _address(match: re.Match) -> str:
    kind, type_, name = match.groups()
    return f"{type_}.{name}" if kind == "resource" else f"data.{type_}.{name}"


def resources() -> list[tuple[str, str, str]]:
    """(address, resource or data source, file) of every resource and data source the root module
    and the local submodules it calls declare, by file, in order of declaration."""
    found = []
    for path in sorted(ROOT.glob("*.tf")):
        found += [
            (
                f"{m.group(2)}.{m.group(3)}"
                if m.group(1) == "resource"
                else f"data.{m.group(2)}.{m.group(3)}",
                m.group(1),
                path.name,
            )
            for m in _RESOURCE.finditer(path.read_text())
        ]
    for path in sorted(ROOT.glob("*.tf")):
        for call in _MODULE_CALL.finditer(path.read_text()):
            for sub in sorted((ROOT / call.group(2)).glob("*.tf")):
                found += [
                    (
                        f"module.{call.group(1)}.{_address(m)}",
                        m.group(1),
                        f"{call.group(2)}/{sub.name}",
                    )
                    for m in _RESOURCE.finditer(sub.read_text())
                ]
    return found


def resources_table() -> str:
    rows = ["| Name | Type | File |", "|---|---|---|"]
    rows += [
        f"| `{address}` | {'resource' if kind == 'resource' else 'data source'} | `{file}` |"
        for address, kind, file in resources()
    ]
    return "\n".join(rows)


# Where each generated table lives: the inputs a user needs in the README, the resource list
# with the internals.
DOCUMENTS = {
    README: {
        "REQUIREMENTS": requirements_table,
        "PROVIDERS": providers_table,
        "INPUTS": inputs_table,
        "OUTPUTS": outputs_table,
    },
    ARCHITECTURE: {"RESOURCES": resources_table},
}


def render(text: str, tables: dict | None = None) -> str:
    """`text` (the README unless `tables` says otherwise) with every generated table in place."""
    for marker, make in (DOCUMENTS[README] if tables is None else tables).items():
        table = make()
        begin, end = f"<!-- BEGIN {marker} (scripts/readme_tables.py) -->", f"<!-- END {marker} -->"
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"the document lacks the {marker} markers")
        block = f"{begin}\n{table}\n{end}"
        text = pattern.sub(lambda _, block=block: block, text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated table is stale")
    args = parser.parse_args()
    stale = []
    for path, tables in DOCUMENTS.items():
        current = path.read_text()
        fresh = render(current, tables)
        if fresh == current:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(fresh)
    if args.check:
        if stale:
            print(f"stale tables in {', '.join(stale)}: run python scripts/readme_tables.py", file=sys.stderr)
            return 1
        print("generated tables match the .tf files")
        return 0
    print(f"tables written: {', '.join(stale) or 'none changed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
