"""The wheel, installed outside the repository, beside a user's own files.

A wheel is built from a copy of the sources (no network: setuptools from this
environment, no build isolation) and installed into a fresh virtual
environment in a temporary folder. The test machine has no network, so the
dependencies are not downloaded again: the fresh environment sees exactly the
distributions the wheel's metadata declares (`Requires-Dist`, followed
transitively, plus the `spacy-vi` extra), linked one by one from this
environment into a folder of its own. Nothing else of this environment is
visible there: a module the package imports without declaring it fails the
test, and so does any import of the repository's folders (the test runs in a
folder whose decoy `pipeline.py`, `schemas.py` and `extractors.py` raise).
"""
from __future__ import annotations

import importlib.metadata as md
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import vanban

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "README.md", "vanban", "pipeline", "extractors", "schemas"]
SAMPLES = ["seed_000.txt", "064_cong-dien-58-cd-vpcp-2026.pdf",
           "085_ke-hoach-phat-dong-thi-dua-cchc-2026-lam-dong.docx",
           "122_news-thu-tuong-chi-thi-14-ct-ttg-an-ninh-mang-2019.html"]
DECOY = 'raise ImportError("the decoy {name}.py of the user\'s folder was imported")\n'


def _requires_closure(reqs: list[str], extras: set[str]) -> dict[str, md.Distribution]:
    """The installed distributions that `reqs` (a wheel's Requires-Dist, with
    `extras` asked for) need, followed through their own requirements."""
    seen: dict[str, md.Distribution] = {}
    todo = [(Requirement(r), extras) for r in reqs]
    while todo:
        req, asked = todo.pop()
        if req.marker and not any(req.marker.evaluate({"extra": e}) for e in asked | {""}):
            continue
        name = req.name.lower().replace("_", "-")
        if name in seen:
            continue
        dist = md.distribution(req.name)
        seen[name] = dist
        todo += [(Requirement(r), set(req.extras)) for r in dist.requires or []]
    return seen


def _link_deps(dists: dict[str, md.Distribution], dest: Path) -> int:
    """Link each distribution's top-level files and folders (and its metadata) into `dest`."""
    dest.mkdir()
    n = 0
    for dist in dists.values():
        site = Path(dist.locate_file(""))
        tops = {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
        for top in tops:
            src, dst = site / top, dest / top
            if src.exists() and not dst.exists() and not top.endswith(".pth") and top != "__pycache__":
                dst.symlink_to(src)
                n += 1
    return n


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        p = ROOT / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(p, src / name)
    dist = tmp / "dist"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                        "-w", str(dist), str(src)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (whl,) = dist.glob("vanban-*.whl")

    env = tmp / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=300)
    py = env / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(whl)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]

    with zipfile.ZipFile(whl) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        requires = [v.strip() for k, _, v in (ln.partition(":") for ln in z.read(meta).decode().splitlines())
                    if k == "Requires-Dist"]
    deps = _requires_closure(requires, {"spacy-vi"})
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    assert _link_deps(deps, tmp / "deps") > 20
    (site / "zz_vanban_test_deps.pth").write_text(str(tmp / "deps") + "\n")

    work = tmp / "work"
    (work / "docs").mkdir(parents=True)
    for name in ("pipeline", "schemas", "extractors"):
        (work / f"{name}.py").write_text(DECOY.format(name=name))
    for s in SAMPLES:
        shutil.copy2(ROOT / "corpus" / "samples" / s, work / "docs" / s)
    return {"whl": whl, "env": env, "py": py, "work": work, "requires": requires, "deps": deps, "site": site}


def run(env, *args: str, **kw) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run(list(args), cwd=env["work"], capture_output=True, text=True, timeout=600,
                          env={**clean, "PATH": f"{env['env'] / 'bin'}:{clean.get('PATH', '')}"}, **kw)


def test_the_wheel_installs_only_vanban(wheel_env):
    with zipfile.ZipFile(wheel_env["whl"]) as z:
        names = z.namelist()
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        tops = {line.split(",")[0].split("/")[0] for line in z.read(record).decode().splitlines() if line}
        top_level = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        entry_points = z.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
        # the rule data and migrations travel with the code
        assert any(n.startswith("vanban/extractors/data/") and n.endswith(".yaml") for n in names)
        assert any(n.startswith("vanban/schemas/migrations/") and n.endswith(".sql") for n in names)
    assert {t for t in tops if not t.endswith(".dist-info")} == {"vanban"}
    if top_level:
        with zipfile.ZipFile(wheel_env["whl"]) as z:
            assert z.read(top_level[0]).decode().split() == ["vanban"]
    assert "[spacy_factories]" in entry_points and "vanban = vanban.pipeline.nlp:make_vanban" in entry_points
    assert "[console_scripts]" in entry_points
    # dependencies the pipeline never imports are not declared
    declared = {Requirement(r).name.lower() for r in wheel_env["requires"] if not Requirement(r).marker}
    assert not declared & {"trafilatura", "python-docx", "dateparser", "psutil", "underthesea"}
    assert {"spacy", "pdfplumber", "pydantic", "duckdb"} <= declared


def test_version_help_and_imports_come_from_the_installed_wheel(wheel_env):
    r = run(wheel_env, "vanban", "--version")
    assert r.returncode == 0 and r.stdout.strip() == f"vanban {vanban.__version__}", r.stderr
    r = run(wheel_env, "vanban", "-h")
    assert r.returncode == 0 and "extract" in r.stdout and "graph" in r.stdout
    code = ("import json, vanban, vanban.pipeline.extract as e; "
            "ex = vanban.extract_text('Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022.'); "
            "data = open('docs/seed_000.txt', 'rb').read(); b = vanban.extract_file(data, name='seed_000.txt'); "
            "print(json.dumps([vanban.__file__, e.__file__, vanban.__version__, ex.dates[0].value, "
            "b.source.path, len(b.targets)]))")
    r = run(wheel_env, str(wheel_env["py"]), "-c", code)          # run in the folder with the decoys
    assert r.returncode == 0, r.stderr[-3000:]
    file, efile, version, date, path, targets = json.loads(r.stdout)
    assert Path(file).is_relative_to(wheel_env["site"]) and Path(efile).is_relative_to(wheel_env["site"])
    assert version == vanban.__version__ and date == "2022-06-15" and path == "seed_000.txt" and targets >= 3
    r = run(wheel_env, str(wheel_env["py"]), "-m", "vanban", "--version")    # cwd first on sys.path
    assert r.returncode == 0, r.stderr
    # the environment is the wheel's own: what it does not declare is not there
    for undeclared in ("dateparser", "trafilatura", "pytest"):
        r = run(wheel_env, str(wheel_env["py"]), "-c", f"import {undeclared}")
        assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, undeclared


def test_extract_and_ingest_on_a_folder(wheel_env, tmp_path):
    files = sorted(str(p.relative_to(wheel_env["work"])) for p in (wheel_env["work"] / "docs").iterdir())
    r = run(wheel_env, "vanban", "extract", "--json", *files)
    assert r.returncode == 0, r.stderr[-3000:]
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    assert [Path(x["source"]["path"]).name for x in recs] == [Path(f).name for f in files]
    assert {x["source"]["format"] for x in recs} == {"txt", "pdf", "docx", "html"}
    db = tmp_path / "w.duckdb"
    r = run(wheel_env, "vanban", "ingest", "docs", "--db", str(db), "--workers", "2")
    assert r.returncode == 0, r.stderr[-3000:]
    r = run(wheel_env, "vanban", "graph", "top", "--db", str(db), "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout), r.stderr[-3000:]


def test_extract_takes_a_folder(wheel_env):
    r = run(wheel_env, "vanban", "extract", "--json", "docs")
    assert r.returncode == 0, r.stderr[-3000:]
    assert len(r.stdout.splitlines()) == len(SAMPLES)


def test_the_spacy_component_works_from_the_wheel(wheel_env):
    code = ("import spacy; nlp = spacy.blank('vi'); nlp.add_pipe('vanban'); "
            "doc = nlp(open('docs/seed_000.txt', encoding='utf-8').read()); "
            "import json; print(json.dumps({k: len(v) for k, v in doc.spans.items()} | "
            "{'_': type(doc._.vanban).__module__}))")
    r = run(wheel_env, str(wheel_env["py"]), "-c", code)
    assert r.returncode == 0, r.stderr[-3000:]
    got = json.loads(r.stdout)
    ex = vanban.extract_file(ROOT / "corpus" / "samples" / "seed_000.txt")
    assert got["_"] == "vanban.schemas.models"
    for kind in ("citations", "dates", "commemorations", "targets", "signatories"):
        assert got[kind] == len(getattr(ex, kind))
