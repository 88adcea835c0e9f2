"""The output models document themselves: every model has a docstring and
every field a description, so `vanban schema` and `help(vanban.Extraction)`
tell what each field means (the full contract is docs/SPEC.md)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel

from vanban.schemas import models

ROOT = Path(__file__).resolve().parent.parent


def _models() -> list[type[BaseModel]]:
    return [v for v in vars(models).values()
            if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == models.__name__
            and not v.__name__.startswith("_")]


def test_every_model_and_field_is_described():
    found = _models()
    assert {m.__name__ for m in found} >= {"Extraction", "Citation", "DateMention", "Commemoration", "Target",
                                           "Signatory", "DocumentMeta", "Source", "Span"}
    for m in found:
        assert m.__doc__ and m.__doc__.strip() and "Usage docs" not in m.__doc__, m.__name__
        for name, f in m.model_fields.items():
            assert f.description, f"{m.__name__}.{name}"


def test_the_schema_carries_the_descriptions_and_the_contract_is_in_the_repository():
    out = subprocess.run([sys.executable, "-m", "vanban", "schema"], capture_output=True, text=True, cwd=ROOT)
    schema = json.loads(out.stdout)
    target = schema["$defs"]["Target"]["properties"]
    assert "negative" in target["growth_pct"]["description"]
    assert (ROOT / "docs" / "SPEC.md").read_text(encoding="utf-8").count("## ") >= 6
    assert "docs/SPEC.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/SPEC.md" in models.__doc__
