"""The YAML codebook loader: valid files become flat specs; bad files name each problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeer.codebook import RESERVED_KEYS, CodebookSpec, load_codebook, parse_codebook
from codeer.codebook.keys import free_keys, hotkey_problem, is_reserved
from codeer.codebook.slug import is_valid_id, slugify
from codeer.errors import CodeerError, CodeerErrors

DATA = Path(__file__).parent / "data" / "codebook"


def problems(name: str) -> list[str]:
    """The error lines loading tests/data/codebook/<name> produces (one per problem)."""
    with pytest.raises(CodeerError) as caught:
        load_codebook(DATA / name)
    return str(caught.value).splitlines()


def test_good_codebook_is_flat_in_document_order() -> None:
    spec = load_codebook(DATA / "good.yaml")
    assert isinstance(spec, CodebookSpec)
    assert (spec.key, spec.title) == ("dienstverlening", "Dienstverlening")
    assert spec.description == "Codes voor persoonlijke dienstverlening."
    assert spec.source == DATA / "good.yaml"
    assert [(c.key, c.parent_key, c.position, c.depth, c.line) for c in spec.codes] == [
        ("empathie", None, 0, 0, 7),
        ("erkenning", "empathie", 1, 1, 18),
        ("spiegelen", "erkenning", 2, 2, 23),
        ("snelheid", None, 3, 0, 26),
    ]
    empathie = spec.codes[0]
    assert empathie.name == "Oprechte empathie"
    assert empathie.examples == ("Ik snap dat dit vervelend voor u is.",)
    assert empathie.keywords == ("begrip", "snap", "vervelend")
    assert empathie.include.startswith("Expliciete")
    assert (empathie.hotkey, empathie.color) == ("e", "#d55e00")  # lower-cased
    assert (spec.codes[1].hotkey, spec.codes[3].hotkey) == ("1", "S")
    assert spec.codes[3].color == "#00aa77"  # #rgb widened
    assert spec.warnings == []
    assert [c.key for c in spec.children(None)] == ["empathie", "snelheid"]
    assert spec.code("spiegelen") is spec.codes[2]


def test_missing_definitions_are_warnings_not_errors() -> None:
    spec = load_codebook(DATA / "warnings.yaml")
    path = DATA / "warnings.yaml"
    assert spec.warnings == [
        f"{path}:3: warning: code 'zonder-definitie' has no definition",
        f"{path}:5: warning: code 'lege-definitie' has no definition",
    ]
    assert spec.codes[1].definition == ""


def test_duplicate_id_names_the_first_line() -> None:
    assert problems("duplicate-id.yaml") == [
        f"{DATA / 'duplicate-id.yaml'}:10: duplicate code id 'empathie' (first at line 3)"
    ]


def test_duplicate_hotkey_offers_free_letters() -> None:
    assert problems("duplicate-hotkey.yaml") == [
        f"{DATA / 'duplicate-hotkey.yaml'}:10: duplicate key 'e' (first used by 'empathie' at line 6); "
        "free letters from the name: 'l', 'i', 'h'"
    ]


def test_unknown_fields_suggest_the_nearest() -> None:
    path = DATA / "unknown-field.yaml"
    assert problems("unknown-field.yaml") == [
        f"{path}:5: unknown field 'defintion'; did you mean 'definition'?",
        f"{path}:6: unknown field 'hotkey'; did you mean 'key'?",
    ]


def test_bad_colours() -> None:
    path = DATA / "bad-color.yaml"
    assert problems("bad-color.yaml") == [
        f"{path}:6: invalid color 'd55e00': expected #rrggbb or #rgb; did you mean '#d55e00'?",
        f"{path}:10: invalid color 'blue': expected #rrggbb or #rgb",
        f'{path}:14: color is empty; quote the colour (color: "#d55e00"): an unquoted # starts a comment',
    ]


def test_wrong_types() -> None:
    path = DATA / "wrong-type.yaml"
    assert problems("wrong-type.yaml") == [
        f'{path}:6: keywords must be a list of strings, not text (write a list: keywords: ["begrip"])',
        f'{path}:9: examples must be a list of strings; item 2 is a number (quote it: "42")',
        f'{path}:11: name must be text, not a number (quote it: name: "2024")',
        f'{path}:13: key must be a single character, not a number (quote it: key: "7")',
    ]


def test_malformed_yaml_points_at_the_unclosed_quote() -> None:
    assert problems("malformed.yaml") == [
        f"{DATA / 'malformed.yaml'}:5: invalid YAML: found unexpected end of stream "
        "(while scanning a quoted scalar that starts on this line)"
    ]


def test_missing_name_and_missing_id() -> None:
    path = DATA / "missing-name.yaml"
    assert problems("missing-name.yaml") == [
        f"{path}:3: missing field 'name'",
        f"{path}:5: missing field 'id'; e.g. id: snelheid-van-reageren",
    ]


def test_bad_ids_suggest_the_slug() -> None:
    path = DATA / "bad-id.yaml"
    rule = "use lowercase letters, digits and hyphens"
    assert problems("bad-id.yaml") == [
        f"{path}:1: invalid codebook id 'Persoonlijke Dienstverlening': {rule}; "
        "did you mean 'persoonlijke-dienstverlening'?",
        f"{path}:3: invalid code id 'Oprechte_Empathie': {rule}; did you mean 'oprechte-empathie'?",
        f"{path}:6: invalid code id 'één-op-één': {rule}; did you mean 'een-op-een'?",
    ]


def test_empty_file() -> None:
    assert problems("empty.yaml") == [f"{DATA / 'empty.yaml'}:1: the codebook file is empty"]


def test_not_a_mapping() -> None:
    assert problems("not-a-mapping.yaml") == [
        f"{DATA / 'not-a-mapping.yaml'}:1: expected a mapping with codebook:, title: and codes:, not a list"
    ]


def test_reserved_hotkeys() -> None:
    path = DATA / "reserved-hotkey.yaml"
    assert problems("reserved-hotkey.yaml") == [
        f"{path}:6: key 'v' is reserved by the coding screen; free letters from the name: 'a', 'd', 'c'",
        f"{path}:10: key 'space' is reserved by the coding screen; free letters from the name: 'e', 'd', 'l'",
    ]


def test_several_problems_come_together_sorted_by_line() -> None:
    with pytest.raises(CodeerErrors) as caught:
        load_codebook(DATA / "wrong-type.yaml")
    assert [p.line for p in caught.value.problems] == [6, 9, 11, 13]
    assert all(p.path == str(DATA / "wrong-type.yaml") for p in caught.value.problems)


def test_missing_file() -> None:
    with pytest.raises(CodeerError, match="no such codebook file"):
        load_codebook(DATA / "nope.yaml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("codebook: caf\xe9\n".encode("latin-1"))
    with pytest.raises(CodeerError, match="not UTF-8"):
        load_codebook(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# only a comment\n", "1: the codebook file has no content (only comments?)"),
        ("title: x\ncodes: []\n", "1: missing field 'codebook'"),
        ("codebook: x\ncodebook: y\n",
         "2: field 'codebook' appears twice in this codebook (first at line 1)"),
        ("codebook: x\ncodes: empathie\n", "2: codes must be a list of codes (- id: ...), not text"),
        ("codebook: x\ncodes:\n  - Empathie\n",
         "3: a code must be a mapping (- id: empathie, name: Empathie), not text 'Empathie'"),
        ("codebook: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n    key: ab\n",
         "6: key must be a single character, not 'ab'"),
        ("codebook: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n    key: ctrl+e\n",
         "6: key 'ctrl+e' is reserved by the coding screen; free letters from the name: 'a'"),
        ("codebook: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n    key:\n",
         "6: key is empty; leave it out or give one character"),
        ("codebook: x\ncodes:\n  - id: a\n    name: '  '\n", "4: field 'name' is empty"),
        ("codebook: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n    children: []\n",
         "6: unknown field 'children'; did you mean 'codes'?"),
        ("codebook: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n    zzz: 1\n",
         "6: unknown field 'zzz' (known: id, name, definition, include, exclude, examples, keywords, key, "
         "color, codes)"),
        ("codebook: x\ncodes:\n  - id: a\n    name: [b\n",
         "4: invalid YAML: expected ',' or ']', but got '<stream end>' "
         "(while parsing a flow sequence that starts on this line)"),
        ("codebook: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n    keywords: [ok, '']\n",
         "6: keywords: item 2 is empty"),
        ("codebook: x\ncodes:\n  - id: a\n    name: yes\n    definition: d\n",
         "4: name must be text, not yes/no (quote it: name: \"yes\")"),
        ("codebook: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n    key: on\n",
         "6: key must be a single character, not yes/no"),
        ("codebook: x\ncodes:\n  - id: a\n    name: A\n    definition: d\n    keywords: [3.10]\n",
         "6: keywords must be a list of strings; item 1 is a number (quote it: \"3.10\")"),
    ],
)
def test_single_problems(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "cb.yaml"
    with pytest.raises(CodeerError) as caught:
        parse_codebook(text, path)
    assert str(caught.value) == f"{path}:{expected}"


def test_children_of_any_depth_and_a_warning_for_no_codes(tmp_path: Path) -> None:
    lines = ["codebook: diep", "codes:"]
    for depth in range(6):
        pad = "  " * (2 * depth)
        lines += [f"{pad}  - id: c{depth}", f"{pad}    name: C{depth}", f"{pad}    definition: d",
                  f"{pad}    codes:"]
    spec = parse_codebook("\n".join(lines) + " []\n", tmp_path / "deep.yaml")
    assert [(c.key, c.parent_key, c.depth) for c in spec.codes][-2:] == [("c4", "c3", 4), ("c5", "c4", 5)]
    empty = parse_codebook("codebook: leeg\n", tmp_path / "empty.yaml")
    assert empty.codes == []
    assert empty.warnings == [f"{tmp_path / 'empty.yaml'}:1: warning: the codebook has no codes"]


def test_keys_and_slugs() -> None:
    assert {"j", "k", "g", "G", "q", "u", "U", "n", "/", "?", "m", "s", "x", "v", "r", "p", "f",
            "escape", "enter", "space", "tab"} <= RESERVED_KEYS
    assert is_reserved("G") and not is_reserved("J") and is_reserved("Ctrl+X") and is_reserved("Escape")
    assert hotkey_problem("é") is None and hotkey_problem("\t") is not None
    assert free_keys("Aandacht", used={"d"}) == ["a", "c", "h"]
    assert slugify("  Oprechte Empathie (Klant)! ") == "oprechte-empathie-klant"
    assert is_valid_id("a-1") and not is_valid_id("a--1") and not is_valid_id("-a") and not is_valid_id("A")
