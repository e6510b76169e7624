"""Packaging: every runtime dependency in pyproject.toml is imported by a real run (a folder scan of the
shipped samples), and the test-only references are not."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from .conftest import ROOT, SAMPLES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MODULE_OF = {"opencv-python-headless": "cv2", "av": "av", "numpy": "numpy", "soxr": "soxr", "pyebur128": "pyebur128",
             "click": "click", "pebble": "pebble", "tomli": "tomli"}


def runtime_requirements() -> list[str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = []
    for d in deps:
        name, _, marker = d.partition(";")
        if "python_version < '3.11'" in marker and sys.version_info >= (3, 11):
            continue
        names.append(re.split(r"[<>=!~\[ ]", name.strip())[0])
    return names


def test_every_runtime_dependency_is_imported_by_a_run():
    # one tape (analyzed in this process) then a folder (in worker processes)
    code = ("import json, sys\nfrom selftape_check.cli import run\n"
            f"for args in [[{str(SAMPLES / 'clean_take.mp4')!r}], [{str(SAMPLES)!r}]]:\n"
            "    sys.argv = ['selftape-check', *args, '--json', '-q']\n"
            "    try:\n        run()\n    except SystemExit:\n        pass\n"
            "sys.stderr.write('MODULES ' + json.dumps(sorted(m.split('.')[0] for m in sys.modules)) + '\\n')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    line = [x for x in r.stderr.splitlines() if x.startswith("MODULES ")][-1]
    loaded = set(json.loads(line[len("MODULES "):]))
    names = runtime_requirements()
    assert set(names) <= set(MODULE_OF), f"map the new dependency to its module: {set(names) - set(MODULE_OF)}"
    missing = [n for n in names if MODULE_OF[n] not in loaded]
    assert not missing, f"declared for run time but never imported: {missing}"
    assert not {"librosa", "scipy", "pyloudnorm", "soundfile", "numba"} & loaded


def test_the_wheel_ships_the_tool_and_its_models_not_the_test_tape_writer(tmp_path):
    import zipfile

    # the same build as the README's `pip install .` (isolated: setuptools comes from the index, as there)
    # from a copy of the sources: a stale build/ of an older checkout must not speak for this one
    import shutil

    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".*", "build", "*.egg-info", "__pycache__", "bench"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(src)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    (wheel,) = tmp_path.glob("selftape_check-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "selftape_check/cli.py" in names and "selftape_check/judge/settings.py" in names
    assert any(n.startswith("selftape_check/models/") and n.endswith(".tflite") for n in names)
    assert not [n for n in names if "testing" in n or n.startswith("tests/") or n.startswith("bench/")]
