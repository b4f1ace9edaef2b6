"""Codebooks as REFI-QDA ``.qdc`` files: exported ones validate and load back as the YAML they came from."""

from __future__ import annotations

from dataclasses import astuple, replace
from pathlib import Path

import pytest
import xmlschema
from conftest import SAMPLE_CODEBOOKS, run_cli

from codeer.codebook import CodebookSpec, load_codebook
from codeer.interop.qdc import read_qdc

DATA = Path(__file__).parent / "data" / "refi-qda"
CODEBOOK_XSD = xmlschema.XMLSchema(DATA / "Codebook.xsd")

TRICKY = """\
codebook: lastig
title: "Lastig: met dubbele punt"
description: |
  Eerste alinea.

  Tweede alinea.
codes:
  - id: a
    name: "A: één"
    definition: |
      Regel een.

      Key: dit is geen veld maar tekst in de definitie.
    include: |
      regel 1
      regel 2
    examples: ["voorbeeld: met dubbele punt", "  spaties  "]
    keywords: [x, "y z"]
    key: "1"
    color: "#abc"
    codes:
      - id: a-kind
        name: Kind
  - id: b
    name: B
"""


def comparable(spec: CodebookSpec) -> tuple:
    return spec.key, spec.title, spec.description, [astuple(replace(c, line=0)) for c in spec.codes]


@pytest.mark.parametrize("yaml_file", SAMPLE_CODEBOOKS, ids=lambda p: p.stem)
def test_sample_codebooks_round_trip(yaml_file: Path, project: Path) -> None:
    assert run_cli(project, "codebook", "load", str(yaml_file)).code == 0
    out = project / "codebook.qdc"
    spec = load_codebook(yaml_file)
    result = run_cli(project, "codebook", "export", str(out), "--codebook", spec.key)
    assert result.code == 0, result.err
    CODEBOOK_XSD.validate(str(out))
    assert comparable(read_qdc(out)) == comparable(spec)


def test_tricky_text_round_trips(project: Path) -> None:
    source = project / "lastig.yaml"
    source.write_text(TRICKY, encoding="utf-8")
    assert run_cli(project, "codebook", "load", str(source)).code == 0
    assert run_cli(project, "codebook", "export", str(project / "x.qdc")).code == 0
    CODEBOOK_XSD.validate(str(project / "x.qdc"))
    assert comparable(read_qdc(project / "x.qdc")) == comparable(load_codebook(source))


def test_load_qdc_into_another_project(project: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    assert run_cli(first, "codebook", "load", *map(str, SAMPLE_CODEBOOKS)).code == 0
    several = run_cli(first, "codebook", "export", str(tmp_path / "x.qdc"))
    assert several.code == 2 and "--codebook" in several.err
    assert run_cli(first, "codebook", "export", str(tmp_path / "k.qdc"), "--codebook", "klantreis").code == 0
    result = run_cli(project, "codebook", "load", str(tmp_path / "k.qdc"))
    assert result.code == 0, result.err
    assert run_cli(project, "codebook", "show").out == run_cli(first, "codebook", "show", "klantreis").out


FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 2022">
  <Codes>
    <Code guid="{AAAAAAAA-0000-4000-8000-000000000001}" name="Gevoel" isCodable="false" color="#F00">
      <Description>Map voor gevoelens</Description>
      <Code guid="{AAAAAAAA-0000-4000-8000-000000000002}" name="Blij" isCodable="true"/>
      <Code guid="{AAAAAAAA-0000-4000-8000-000000000003}" name="Boos" isCodable="true"/>
    </Code>
    <Code guid="aaaaaaaa-0000-4000-8000-000000000004" name="Blij" isCodable="true"/>
    <Code guid="aaaaaaaa-0000-4000-8000-000000000005" name="日本語" isCodable="true"/>
  </Codes>
  <Sets>
    <Set guid="aaaaaaaa-0000-4000-8000-000000000006" name="Kern">
      <MemberCode guid="aaaaaaaa-0000-4000-8000-000000000002"/>
    </Set>
  </Sets>
</CodeBook>
"""


def test_foreign_qdc(project: Path) -> None:
    path = project / "Gevoelens MAXQDA.qdc"
    path.write_text(FOREIGN, encoding="utf-8")
    CODEBOOK_XSD.validate(str(path))
    spec = read_qdc(path)
    assert (spec.key, spec.title) == ("gevoelens-maxqda", "Gevoelens MAXQDA")
    assert [(c.key, c.name, c.parent_key, c.depth) for c in spec.codes] == [
        ("gevoel", "Gevoel", None, 0),
        ("blij", "Blij", "gevoel", 1),
        ("boos", "Boos", "gevoel", 1),
        ("blij-2", "Blij", None, 0),
        ("code", "日本語", None, 0),
    ]
    assert spec.codes[0].color == "#ff0000" and spec.codes[0].definition == "Map voor gevoelens"
    result = run_cli(project, "codebook", "load", str(path))
    assert result.code == 0, result.err
    assert "gevoelens-maxqda: 5 added" in result.out
