"""docs/deployment.md's first run of an agency with its own data, run exactly as written.

The ledgers and the commands are read from the document (the ```csv ledgers/… blocks and the
```sh first-run block), so the document and this test cannot drift apart. The commands run in a shell,
in a fresh folder holding the ledgers, against a fresh SQLite database.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")


def blocks(info: str) -> list[tuple[str, str]]:
    """(what follows the info word, body) of each fenced block of that kind."""
    return re.findall(rf"^```{info}[ \t]*(\S*)\n(.*?)^```", DOC, flags=re.M | re.S)


def test_the_document_holds_the_walk():
    ((_tag, commands),) = [block for block in blocks("sh") if block[0] == "first-run"]
    lines = [line for line in commands.splitlines() if line.strip()]
    assert any("add_org" in line and "--parent" not in line for line in lines)
    assert sum("import_ledger" in line for line in lines) == 6
    assert {path for path, _body in blocks("csv")} == {
        f"ledgers/{name}.csv" for name in ("people", "activities", "rectification", "points", "publicity")
    }


def test_the_first_run_in_the_deployment_doc_works_as_written(tmp_path):
    ((_tag, commands),) = [block for block in blocks("sh") if block[0] == "first-run"]
    for path, body in blocks("csv"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(body, encoding="utf-8")
    (tmp_path / "manage.py").symlink_to(ROOT / "manage.py")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        LANG="C.UTF-8",
    )
    run = subprocess.run(
        ["bash", "-e", "-c", commands],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # What the office sees: each ledger's rows counted, in Chinese, and the Word file written.
    assert "已导入 4 行：新增 4 条" in run.stdout  # people
    assert "已检查 5 行：将新增 5 条" in run.stdout  # the dry run
    assert "已导入 5 行：新增 5 条" in run.stdout
    document = docx.Document(str(tmp_path / "县统计局2023年度总结.docx"))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "县统计局2023年度建设学习型机关工作总结" in text
    assert "《习近平谈治国理政》第四卷" in text
    assert "“送法进社区”系列活动2次" in text
    assert "针对“理论学习的系统性不够”问题，制定年度学习计划并按月督促" in text
