"""A truncated or corrupt source: one line on stderr naming the file, exit 2, old panel intact."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from bilat.cli.main import main
from bilat.panel.sources import SOURCE_FILES


def _mirror(shared: Path, tmp_path: Path) -> Path:
    """A copy of shared/data/panel made of symbolic links (nothing copied)."""
    root = tmp_path / "panel"
    for spec in SOURCE_FILES:
        link = root / spec.path
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(shared / "data" / "panel" / spec.path)
    return root


def _previous_panel(tmp_path: Path) -> Path:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE dyad_year AS SELECT 770 AS ccode, 2000 AS year, 'old' AS marker")
    con.close()
    return db


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sys, "argv", ["bilat", *args])
    with pytest.raises(SystemExit) as done:
        main()
    return int(done.value.code or 0)


@pytest.mark.parametrize(
    ("path", "damage"),
    [
        ("unga/un_votes.rda", "truncate"),
        ("trade/cow_trade_ddy.rds", "truncate"),
        ("aid/us_foreignaid_greenbook.xlsx", "truncate"),
        ("sanctions/TIESv4-1.xls", "truncate"),
        ("troops/troopdata-rebuild-country-year.csv", "truncate"),
        ("opinion/perception_of_us.xlsx", "garbage"),
        ("unga/IdealpointsJuly2025.dta", "garbage"),
    ],
)
def test_bad_source_file_is_a_one_line_error_and_keeps_the_old_panel(
    shared: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: str,
    damage: str,
) -> None:
    root = _mirror(shared, tmp_path)
    target = root / path
    data = target.read_bytes()
    target.unlink()
    target.write_bytes(data[: len(data) * 2 // 3] if damage == "truncate" else b"\x00junk" * 50)
    db = _previous_panel(tmp_path)
    code = _run(["panel", "build", "--db", str(db), "--sources", str(root)], monkeypatch)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error:")
    assert "Traceback" not in err
    # one message (Rich wraps it at the console width): name the file once, say what to do
    flat = "".join(err.split("\n"))
    assert flat.count(path.rsplit("/", 1)[1]) == 1, err
    assert "restore the original" in flat
    con = duckdb.connect(str(db), read_only=True)
    assert con.sql("SELECT marker FROM dyad_year").fetchall() == [("old",)]
    con.close()


def test_missing_source_folder_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["panel", "build", "--db", str(tmp_path / "p.duckdb")]
    code = _run([*args, "--sources", str(tmp_path / "none")], monkeypatch)
    assert code == 2
    assert "none" in capsys.readouterr().err
    assert not (tmp_path / "p.duckdb").exists()


def test_a_pew_cell_that_is_neither_a_number_nor_a_dash_is_an_error(
    shared: Path, tmp_path: Path
) -> None:
    import duckdb as db
    import openpyxl

    from bilat.errors import FormatError
    from bilat.panel.sources import Context
    from bilat.panel.sources.opinion import read_pew

    root = _mirror(shared, tmp_path)
    target = root / "opinion" / "perception_of_us.xlsx"
    book = openpyxl.load_workbook(target.resolve())
    book.worksheets[0]["C3"] = "n/a"
    target.unlink()
    book.save(target)
    ctx = Context(root=root, con=db.connect())
    ctx.verify()
    with pytest.raises(FormatError, match="n/a"):
        read_pew(ctx)
