"""Codebooks as REFI-QDA codebook files (``.qdc``), written from the project and read like a YAML codebook.

A codeer QDC holds one codebook: a category code named after the codebook (``isCodable="false"``, its
description ending in ``Codebook: <id>``) with the codes inside it, each code's definition as its description
and codeer's other fields (include, exclude, examples, keywords, hotkey, id) as a field block after it (see
:mod:`codeer.interop.refi`). Reading it back gives the same :class:`~codeer.codebook.spec.CodebookSpec` that
the YAML file gave. A QDC from another program loads as a codebook whose id is the file name's slug; code ids
come from the code names (``-2``, ``-3`` where names repeat), and codes that cannot be coded (categories,
folders) become ordinary codes.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from xml.etree.ElementTree import Element, ElementTree, SubElement, indent, register_namespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from codeer import __version__
from codeer.codebook.slug import slugify
from codeer.codebook.spec import CodebookSpec, CodeSpec
from codeer.errors import CodeerError
from codeer.interop.refi import (
    CODEBOOK_NS,
    add_codebook_element,
    derive_guid,
    local,
    read_codebooks,
    strip_namespaces,
)
from codeer.interop.xmlsafe import parse_xml
from codeer.model import Code, Codebook, Setting
from codeer.store.codebook_ops import code_memos

MAX_QDC_BYTES = 64 * 1024 * 1024
ORIGIN = f"codeer {__version__}"
PROJECT_UUID_SETTING = "refi_project_uuid"


def project_namespace(session: Session) -> uuid.UUID:
    """The project's GUID namespace: a random UUID made on the first export and kept in the settings, so
    that every later export of this project uses the same GUIDs and two projects never share them."""
    setting = session.get(Setting, PROJECT_UUID_SETTING)
    if setting is None:
        setting = Setting(key=PROJECT_UUID_SETTING, value=str(uuid.uuid4()))
        session.add(setting)
        session.flush()
    return uuid.UUID(setting.value)


def stored_spec(codebook: Codebook) -> CodebookSpec:
    """A codebook from the database as the spec a file would give (codes in pre-order, parents first)."""
    children: dict[int | None, list[Code]] = {}
    for code in sorted(codebook.codes, key=lambda c: (c.position, c.id)):
        children.setdefault(code.parent_id, []).append(code)
    specs: list[CodeSpec] = []

    def visit(parent: Code | None, depth: int) -> None:
        for code in children.get(parent.id if parent else None, []):
            specs.append(
                CodeSpec(
                    key=code.key,
                    name=code.name,
                    definition=code.definition,
                    include=code.include,
                    exclude=code.exclude,
                    examples=tuple(code.examples or ()),
                    keywords=tuple(code.keywords or ()),
                    hotkey=code.hotkey,
                    color=code.color,
                    parent_key=parent.key if parent else None,
                    position=len(specs),
                    depth=depth,
                )
            )
            visit(code, depth + 1)

    visit(None, 0)
    return CodebookSpec(
        key=codebook.key,
        title=codebook.title,
        description=codebook.description,
        codes=specs,
        source=Path(codebook.source_file),
    )


def code_guids(namespace: uuid.UUID, spec: CodebookSpec) -> dict[str, str]:
    """Each code key's GUID in this project."""
    return {code.key: derive_guid(namespace, "code", spec.key, code.key) for code in spec.codes}


def write_xml(root: Element, path: Path, default_namespace: str) -> None:
    """Write ``root`` as indented UTF-8 XML (no BOM), atomically: a half-written file never replaces a good
    one."""
    register_namespace("", default_namespace)
    indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    ElementTree(root).write(partial, encoding="utf-8", xml_declaration=True)
    partial.replace(path)


def export_qdc(session: Session, path: Path, codebook_key: str | None = None) -> CodebookSpec:
    """Write the codebook ``codebook_key`` (or the project's only codebook) to ``path``; return it."""
    books = session.scalars(select(Codebook).order_by(Codebook.key)).all()
    if codebook_key is None and len(books) != 1:
        known = ", ".join(b.key for b in books) or "none"
        raise CodeerError(f"say which codebook to export (--codebook ID); the project has: {known}")
    book = next((b for b in books if codebook_key in (None, b.key)), None)
    if book is None:
        raise CodeerError(
            f"no codebook {codebook_key!r} (known: {', '.join(b.key for b in books) or 'none'})"
        )
    spec = stored_spec(book)
    memos = code_memos(session)
    namespace = project_namespace(session)
    q = f"{{{CODEBOOK_NS}}}"
    root = Element(q + "CodeBook", {"origin": ORIGIN})
    codes = SubElement(root, q + "Codes")
    add_codebook_element(
        codes,
        spec,
        code_guids(namespace, spec),
        derive_guid(namespace, "codebook", spec.key),
        namespace=CODEBOOK_NS,
        memos={c.key: memos[c.id] for c in book.codes if c.id in memos},  # Codebook.xsd has no notes
    )
    write_xml(root, path, CODEBOOK_NS)
    return spec


def read_qdc(path: Path) -> CodebookSpec:
    """A ``.qdc`` file as a codebook spec; adjustments (renamed ids, dropped hotkeys) come as warnings."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_QDC_BYTES + 1)
    except FileNotFoundError as exc:
        raise CodeerError("no such codebook file", path) from exc
    except OSError as exc:
        raise CodeerError(f"cannot read codebook: {exc.strerror}", path) from exc
    if len(data) > MAX_QDC_BYTES:
        raise CodeerError(f"refused: larger than {MAX_QDC_BYTES} bytes", path)
    root = strip_namespaces(parse_xml(data, path))
    if local(root.tag) != "CodeBook":
        raise CodeerError(f"not a REFI-QDA codebook: the root element is <{root.tag}>, not <CodeBook>", path)
    (book,) = read_codebooks(
        root.find("Codes"), slugify(path.stem) or "codebook", path.stem, path, only_sole_wrapper=True
    )
    book.spec.warnings.extend(f"{path}: warning: {line}" for line in book.adjusted)
    if not book.spec.codes:
        book.spec.warnings.append(f"{path}: warning: the codebook has no codes")
    return book.spec
