"""The documentation: README short with working links into docs/, the MkDocs site building with
--strict (no broken link or anchor, no page left out of the nav), every page reachable."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _build(config: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=120,
    )


def _nav_pages(nav) -> set[str]:
    pages = set()
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            pages |= _nav_pages(value)
        else:
            pages.add(value)
    return pages


def _local_links(page: Path) -> list[str]:
    """The relative links of a Markdown page, without their anchors (code blocks skipped)."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    links = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        links.append(target.split("#", 1)[0])
    return links


def test_readme_is_short_and_its_links_into_docs_exist():
    readme = ROOT / "README.md"
    lines = readme.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200
    links = _local_links(readme)
    assert any(link.startswith("docs/") for link in links)
    missing = [link for link in links if not (ROOT / link).exists()]
    assert missing == []


def test_every_page_is_in_the_nav_and_reachable_from_the_index():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert _nav_pages(config["nav"]) == pages

    seen, todo = set(), ["index.md"]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        for link in _local_links(DOCS / page):
            target = (DOCS / page).parent.joinpath(link).resolve()
            if target.suffix == ".md" and target.is_relative_to(DOCS):
                todo.append(target.relative_to(DOCS).as_posix())
    assert seen == pages


def test_every_module_opens_with_a_line_saying_what_it_owns():
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    without = []
    for name in listed:
        if "/migrations/" in name:
            continue
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        if name.endswith("__init__.py") and not tree.body:
            continue
        doc = ast.get_docstring(tree)
        if not doc or not doc.splitlines()[0].strip():
            without.append(name)
    assert len(listed) > 200
    assert without == []


def test_the_site_builds_strictly(tmp_path):
    result = _build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "architecture" / "approval-path" / "index.html").exists()
    html = (tmp_path / "site" / "guide" / "officer" / "index.html").read_text(encoding="utf-8")
    assert "填报人员" in html


@pytest.mark.parametrize(
    ("page", "text", "complaint"),
    [
        ("security.md", "\n[gone](no-such-page.md)\n", "no-such-page.md"),
        ("api.md", "\n[anchor](performance.md#no-such-heading)\n", "no-such-heading"),
        ("orphan.md", "# Left out of the nav\n", "orphan.md"),
    ],
)
def test_a_broken_link_or_a_page_left_out_fails_the_build(tmp_path, page, text, complaint):
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(DOCS, tmp_path / "docs")
    with (tmp_path / "docs" / page).open("a", encoding="utf-8") as f:
        f.write(text)
    result = _build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert result.returncode != 0
    assert complaint in result.stderr
