"""Generate the README's inputs and outputs tables from variables.tf and outputs.tf.

`python scripts/readme_tables.py` rewrites the tables between the README's markers;
`--check` fails when they differ from what the .tf files say (a test runs it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
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
    return re.sub(r"\s+", " ", expression).replace("{ ", "{").replace(" }", "}")


def _type(expression: str) -> str:
    # Object attributes are documented in the description; the table names the shape.
    return re.sub(r"object\(\{.*\}\)", "object", _one_line(expression))


def _default(attrs: dict[str, str]) -> str:
    if "default" not in attrs:
        return "required"
    value = _one_line(attrs["default"])
    return f"`{value}`" if len(value) <= 40 else "see variables.tf"


def _text(expression: str) -> str:
    return json.loads(expression).replace("|", "\\|")


def inputs_table() -> str:
    rows = ["| Name | Type | Default | Description |", "|---|---|---|---|"]
    for name, attrs in blocks(ROOT / "variables.tf", "variable"):
        rows.append(
            f"| `{name}` | `{_type(attrs['type'])}` | {_default(attrs)} | {_text(attrs['description'])} |"
        )
    return "\n".join(rows)


def outputs_table() -> str:
    rows = ["| Name | Description |", "|---|---|"]
    for name, attrs in blocks(ROOT / "outputs.tf", "output"):
        rows.append(f"| `{name}` | {_text(attrs['description'])} |")
    return "\n".join(rows)


def render(readme: str) -> str:
    """The README with both generated tables in place."""
    for marker, table in (("INPUTS", inputs_table()), ("OUTPUTS", outputs_table())):
        begin, end = f"<!-- BEGIN {marker} (scripts/readme_tables.py) -->", f"<!-- END {marker} -->"
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(readme):
            raise SystemExit(f"README.md lacks the {marker} markers")
        block = f"{begin}\n{table}\n{end}"
        readme = pattern.sub(lambda _, block=block: block, readme)
    return readme


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the README's tables are stale")
    args = parser.parse_args()
    current = README.read_text()
    fresh = render(current)
    if args.check:
        if fresh != current:
            print("README.md tables are stale: run python scripts/readme_tables.py", file=sys.stderr)
            return 1
        print("README.md tables match variables.tf and outputs.tf")
        return 0
    README.write_text(fresh)
    print("README.md tables written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
