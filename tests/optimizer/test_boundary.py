"""The optimizer stays a pure library: no Django, nothing else of chidao, at import time or in its source."""

import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "chidao" / "optimizer"


def test_importing_the_optimizer_loads_no_django_and_no_other_chidao_module():
    code = ("import sys, chidao.optimizer, chidao.optimizer.__main__; "
            "print(sorted(m for m in sys.modules if m.startswith(('django', 'chidao'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PACKAGE.parents[1]).stdout
    modules = eval(out)  # a printed list of strings
    assert not [m for m in modules if m.startswith("django")]
    assert [m for m in modules if m != "chidao" and not m.startswith("chidao.optimizer")] == []
    assert "chidao.optimizer.solver" in modules


def test_no_source_file_imports_django_or_chidao_outside_the_package():
    files = sorted(PACKAGE.rglob("*.py"))
    assert files
    bad = re.compile(r"^\s*(import django|from django|import chidao(?!\.optimizer)|from chidao(?!\.optimizer)[. ])",
                     re.MULTILINE)
    offenders = {f.name: bad.findall(f.read_text(encoding="utf-8")) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}
