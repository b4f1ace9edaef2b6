"""Reading XML and zip files that come from elsewhere, safely.

A QDPX file is a zip that someone sent; a QDC file is XML that someone sent. Neither is trusted:

- XML is parsed by defusedxml with DTDs forbidden, so no external entity can read a local file or the
  network and no entity expansion ("billion laughs") can eat the memory.
- Zip members are only ever read into memory, never extracted; even so a member whose name climbs out of
  the archive (``../``, an absolute path, a drive letter) makes the whole file suspect and is refused.
- Against zip bombs: the declared sizes must stay under :data:`MAX_MEMBER_BYTES` and :data:`MAX_TOTAL_BYTES`,
  a large member may not claim a compression ratio above :data:`MAX_RATIO`, and every member is read in
  chunks and abandoned as soon as it exceeds what it declared or the cap, so a lying header gains nothing.

Every refusal is a :class:`CodeerError` naming the file; nothing has been written when it is raised.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from codeer.errors import CodeerError

MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_MEMBERS = 100_000
MAX_RATIO = 200  # deflate reaches ~1000:1 only on degenerate data; real text and XML stay far below 100
RATIO_FROM_BYTES = 1024 * 1024  # small members may compress well (runs of spaces): only larger ones count
CHUNK = 1024 * 1024
MAX_DEPTH = 200  # a project, its codebook, its codes: a real code tree is a handful of levels deep

_DRIVE = re.compile(r"^[A-Za-z]:")


def _check_depth(root: Element, path: str | Path) -> Element:
    """Refuse elements nested deeper than :data:`MAX_DEPTH` (walked without recursion): readers of the tree
    (a code inside a code inside ...) recurse, and 50,000 levels would exhaust Python's stack."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise CodeerError(f"the XML nests elements more than {MAX_DEPTH} levels deep", path)
        stack.extend((child, depth + 1) for child in element)
    return root


def parse_xml(data: bytes, path: str | Path) -> Element:
    """The root element of ``data``; a :class:`CodeerError` naming ``path`` (and the line) if it is not
    well-formed XML, uses a DTD or entities, or nests deeper than :data:`MAX_DEPTH`."""
    try:
        return _check_depth(
            fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True), path
        )
    except DefusedXmlException as exc:
        raise CodeerError(f"refused: the XML uses a DTD or entities ({type(exc).__name__})", path) from exc
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise CodeerError(
            f"not well-formed XML: {exc.msg if hasattr(exc, 'msg') else exc}", path, line
        ) from exc


def _unsafe_name(name: str) -> bool:
    normal = name.replace("\\", "/")
    if normal.startswith("/") or _DRIVE.match(normal):
        return True
    return ".." in posixpath.normpath(normal).split("/")


class SafeZip:
    """A zip archive opened for reading, its members checked up front (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise CodeerError("no such file", path) from exc
        except (zipfile.BadZipFile, OSError) as exc:
            raise CodeerError("not a QDPX file (not a readable zip archive)", path) from exc
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            self._refuse(f"it holds {len(infos)} files (at most {MAX_MEMBERS})")
        total = 0
        for info in infos:
            if _unsafe_name(info.filename):
                self._refuse(f"member {info.filename!r} points outside the archive")
            if info.file_size > MAX_MEMBER_BYTES:
                self._refuse(f"member {info.filename!r} unpacks to {info.file_size} bytes")
            ratio = info.file_size // max(info.compress_size, 1)
            if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
                self._refuse(f"member {info.filename!r} is compressed {ratio}:1 (a zip bomb?)")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            self._refuse(f"it unpacks to {total} bytes (at most {MAX_TOTAL_BYTES})")
        self._by_name = {
            info.filename.replace("\\", "/").lower(): info for info in infos if not info.is_dir()
        }

    def _refuse(self, why: str) -> None:
        self._zip.close()
        raise CodeerError(f"refused: {why}", self.path)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def names(self) -> list[str]:
        """Member names as stored (folders left out)."""
        return [info.filename for info in self._by_name.values()]

    def find(self, name: str) -> str | None:
        """The stored name of member ``name``, matched without regard to case, slashes or %-escapes."""
        for candidate in (name, unquote(name)):
            info = self._by_name.get(candidate.replace("\\", "/").lstrip("/").lower())
            if info is not None:
                return info.filename
        return None

    def read(self, name: str) -> bytes:
        """A member's bytes, read in chunks and abandoned as soon as it grows past what it declared."""
        info = self._zip.getinfo(name)
        limit = min(info.file_size, MAX_MEMBER_BYTES)
        parts: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise CodeerError(f"refused: member {name!r} is larger than allowed", self.path)
                    parts.append(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise CodeerError(
                f"member {name!r} cannot be read (the archive is damaged): {exc}", self.path
            ) from exc
        return b"".join(parts)
