from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
# a worktree beside the checkout has no shared/ next to it: SELFTAPE_REAL_DATA points there
REAL = Path(os.environ.get("SELFTAPE_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))



def load_bench(name: str):
    """A module of bench/ (not a package), e.g. the corpus generator, loaded by path."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def real(name: str) -> str:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is not present on this machine")
    return str(path)


def load_rgb(name: str) -> np.ndarray:
    import cv2

    bgr = cv2.imread(real(name), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


@pytest.fixture
def tmp(tmp_path) -> Path:
    return tmp_path

