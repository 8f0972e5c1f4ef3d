"""What every panel reader shares: the source registry, the build context, the quarantine."""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from bilat.errors import DataMissingError, FormatError
from bilat.panel.countries import map_name, recode_cow

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "QUARANTINE_COLUMNS",
    "SOURCE_FILES",
    "US_COW",
    "Context",
    "SourceFile",
    "SourceStats",
    "map_frame",
]

T = TypeVar("T")

FIRST_YEAR = 1946
LAST_YEAR = 2024
US_COW = 2

QUARANTINE_COLUMNS = ("source_id", "file", "row", "field", "value", "reason", "year", "amount")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file of ``shared/data/panel``: id, path below the folder, producer to cite."""

    source_id: str
    path: str
    cite: str


SOURCE_FILES: tuple[SourceFile, ...] = (
    SourceFile("greenbook", "aid/us_foreignaid_greenbook.xlsx", "USAID Greenbook (FY1946-2020)"),
    SourceFile("fae", "aid/us_foreign_aid_country.csv", "USAID Foreign Aid Explorer"),
    SourceFile("unvotes", "unga/un_votes.rda", "Voeten UNGA votes via unvotes"),
    SourceFile("un_roll_calls", "unga/un_roll_calls.rda", "Voeten UNGA roll calls via unvotes"),
    SourceFile("un_issues", "unga/un_roll_call_issues.rda", "unvotes roll-call issue tags"),
    SourceFile("idealpoints", "unga/IdealpointsJuly2025.dta", "Bailey, Strezhnev & Voeten (2017)"),
    SourceFile("atop", "alliances/atop_alliance.rda", "Leeds et al., ATOP v5"),
    SourceFile("gml", "disputes/gml_dirdisp.rda", "Gibler, Miller & Little MID data"),
    SourceFile("cow_mid", "disputes/cow_mid_dirdisps.rda", "COW MID 5"),
    SourceFile("td_rivalries", "disputes/td_rivalries.rda", "Thompson & Dreyer (2012)"),
    SourceFile("ties", "sanctions/TIESv4-1.xls", "Morgan, Bapat & Kobayashi (2014), TIES 4.1"),
    SourceFile("cow_trade", "trade/cow_trade_ddy.rds", "Barbieri & Keshk, COW Trade v4"),
    SourceFile("dots", "trade/dots_us.csv", "IMF Direction of Trade Statistics"),
    SourceFile("cw_democracy", "regime/cw_democracy.rda", "Polity5; V-Dem (via isard)"),
    SourceFile("icews", "events/icews_dyadyear_netify.rda", "Boschee et al., ICEWS"),
    SourceFile(
        "troopdata", "troops/troopdata-rebuild-country-year.csv", "Allen, Flynn & Machain; DMDC"
    ),
    SourceFile("sipri", "arms/sipri-exports-processed.csv", "SIPRI Arms Transfers Database"),
    SourceFile("pew", "opinion/perception_of_us.xlsx", "Pew Global Attitudes"),
)


@dataclass
class SourceStats:
    """Row accounting for one source file: read = used + quarantined + out of scope."""

    source_id: str
    file: str
    sha256: str
    rows_read: int = 0
    rows_used: int = 0
    rows_quarantined: int = 0
    rows_out_of_scope: int = 0
    year_min: int | None = None
    year_max: int | None = None
    note: str = ""


@dataclass
class Context:
    """The state of one build: the source folder, a DuckDB connection, stats and quarantine."""

    root: Path
    con: duckdb.DuckDBPyConnection
    stats: dict[str, SourceStats] = field(default_factory=dict)
    quarantined: list[pd.DataFrame] = field(default_factory=list)

    def path(self, source_id: str) -> Path:
        """The file of ``source_id``; a clear error when it is missing."""
        spec = next(s for s in SOURCE_FILES if s.source_id == source_id)
        path = self.root / spec.path
        if not path.is_file():
            raise DataMissingError(
                f"panel source {path} is missing; pass --sources DIR with the folder that "
                "holds shared/data/panel"
            )
        return path

    def verify(self) -> None:
        """Hash every source file and check its container before any is parsed.

        A missing file, a compressed R file whose stream stops early, a workbook whose zip
        members fail their CRC, an ``.xls`` that is not a whole OLE2 file or a CSV without its
        final newline stops the build here, in a second, naming the file.
        """
        for spec in SOURCE_FILES:
            path = self.path(spec.source_id)
            data = path.read_bytes()
            self.stats[spec.source_id] = SourceStats(
                spec.source_id, spec.path, hashlib.sha256(data).hexdigest()
            )
            problem = _container_problem(path, data)
            if problem:
                raise FormatError(
                    f"this panel source is {problem}; restore the original file "
                    "(see shared/data/panel/PROVENANCE.md)",
                    file=path,
                )

    def open(self, source_id: str, reader: Callable[[Path], T]) -> T:
        """Read ``source_id`` with ``reader``; a file it cannot parse is a FormatError."""
        path = self.path(source_id)
        if source_id not in self.stats:
            data = path.read_bytes()
            self.stats[source_id] = SourceStats(
                source_id, str(path.relative_to(self.root)), hashlib.sha256(data).hexdigest()
            )
        try:
            return reader(path)
        except FormatError:
            raise
        except Exception as err:
            kind = type(err).__name__
            raise FormatError(
                f"this panel source cannot be read ({kind}: {_one_line(err)}); the file is "
                "corrupt or truncated -- restore the original",
                file=path,
            ) from err

    def quarantine(self, source_id: str, rows: pd.DataFrame) -> None:
        """Keep ``rows`` (columns row, field, value, reason, year, amount) in the quarantine."""
        if rows.empty:
            return
        out = pd.DataFrame(
            {
                "source_id": source_id,
                "file": self.stats[source_id].file,
                "row": rows["row"].astype("int64").to_numpy(),
                "field": rows["field"].astype(str).to_numpy(),
                "value": rows["value"].astype(str).to_numpy(),
                "reason": rows["reason"].astype(str).to_numpy(),
                "year": _column(rows, "year").astype("Int64").to_numpy(),
                "amount": _column(rows, "amount").astype("Float64").to_numpy(),
            }
        )
        self.stats[source_id].rows_quarantined += len(out)
        self.quarantined.append(out)

    def account(
        self, source_id: str, *, read: int, used: int, out_of_scope: int, years: pd.Series
    ) -> None:
        """Record a source's row counts and the years it covers."""
        st = self.stats[source_id]
        st.rows_read, st.rows_used, st.rows_out_of_scope = read, used, out_of_scope
        clean = pd.to_numeric(years, errors="coerce").dropna()
        if len(clean):
            st.year_min, st.year_max = int(clean.min()), int(clean.max())
        total = st.rows_used + st.rows_quarantined + st.rows_out_of_scope
        if total != st.rows_read:
            raise FormatError(
                f"{st.rows_read} rows read but {total} accounted for "
                f"({st.rows_used} used, {st.rows_quarantined} quarantined, "
                f"{st.rows_out_of_scope} out of scope)",
                file=st.file,
            )

    def put(self, name: str, frame: pd.DataFrame) -> None:
        """Materialise ``frame`` as the DuckDB table ``name`` of this build.

        A ``src_*`` table's COW codes pass through :func:`recode_cow` first.
        """
        if name.startswith("src_"):
            frame = frame.assign(ccode=recode_cow(frame["ccode"], frame["year"]))
        self.con.register("_incoming", frame)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
        self.con.unregister("_incoming")


_BZ2_END = 0x177245385090  # bzip2's 48-bit end-of-stream marker (bit-aligned)


def _bz2_complete(data: bytes) -> bool:
    """Whether a bzip2 stream ends with its end-of-stream marker and CRC (no decompression)."""
    tail = int.from_bytes(data[-11:], "big")
    bits = 8 * len(data[-11:])
    # marker (48 bits) + CRC (32 bits) + 0-7 padding bits end the stream
    return any((tail >> (32 + pad)) & ((1 << 48) - 1) == _BZ2_END for pad in range(8)) and (
        bits >= 80
    )


def _stream_complete(data: bytes) -> bool | None:
    """True/False for a compressed R file whose stream is whole/cut; None if not compressed."""
    if data.startswith(b"BZh"):
        return _bz2_complete(data)
    if data.startswith(b"\xfd7zXZ"):
        return data.endswith(b"YZ")  # the xz stream footer's magic
    if data.startswith(b"\x1f\x8b"):
        stream = zlib.decompressobj(wbits=31)
        stream.decompress(data)
        return stream.eof
    return None


def _container_problem(path: Path, data: bytes) -> str | None:
    """Why the file's container is damaged, or None."""
    suffix = path.suffix.lower()
    if not data:
        return "empty"
    if suffix == ".csv":
        return None if data.endswith(b"\n") else "truncated (no final newline)"
    if suffix in {".rda", ".rds"}:
        try:
            complete = _stream_complete(data)
        except zlib.error as err:
            return f"corrupt (zlib: {err})"
        return "truncated (the compressed stream stops early)" if complete is False else None
    if suffix == ".xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                bad = archive.testzip()
        except zipfile.BadZipFile as err:
            return f"not a readable workbook ({err})"
        return f"corrupt (member {bad} fails its CRC check)" if bad else None
    if suffix == ".xls":
        if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            return "not an OLE2 .xls workbook"
        return None if len(data) % 512 == 0 else "truncated (not a whole number of sectors)"
    return None


def _one_line(err: Exception) -> str:
    """An exception's message on one line, at most 160 characters."""
    return " ".join(str(err).split())[:160]


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    if name in rows:
        return pd.to_numeric(rows[name], errors="coerce")
    return pd.Series([None] * len(rows), index=rows.index, dtype="float64")


def map_frame(names: pd.Series, years: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Map name/code + year pairs to COW codes; (ccode as Int64, reason or None)."""
    pairs = pd.DataFrame({"name": names.astype(object), "year": years.astype("int64")})
    unique = pairs.drop_duplicates()
    mapped = [map_name(n, int(y)) for n, y in zip(unique["name"], unique["year"], strict=True)]
    unique = unique.assign(
        ccode=pd.array([m.ccode for m in mapped], "Int64"),
        reason=pd.Series([m.reason for m in mapped], index=unique.index, dtype=object),
    )
    joined = pairs.merge(unique, on=["name", "year"], how="left", sort=False)
    return joined["ccode"].set_axis(names.index), joined["reason"].set_axis(names.index)
