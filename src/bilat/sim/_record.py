"""Build the US-Pakistan calibration history from :mod:`bilat.record`.

Inputs (the historical schedule), in constant 2020 $ billion where money:

* **total aid**: the record's ``aid_accounts`` total in constant 2020 $
  (Greenbook economic + military FY1948-2020, Foreign Aid Explorer obligations
  FY2021-24); 2025, past the record, carries FY2024 forward (flagged).
* **split**: the Greenbook's measured military and economic shares
  (``aid_accounts``, FY1948-2020); after FY2020 (totals only) the FY2020
  share is carried forward (an assumption, flagged).
* **reimbursements**: Coalition Support Funds paid FY2002-16 (``aid_crs``,
  constant 2020 $); the Greenbook's military lines do not include them.
* **sanctions** and the **US regime**: a broad programme ``in force`` in the
  record's ``sanctions`` series (the arms embargo, Symington, Pressler, Glenn,
  section 508, the 2018 suspension; the narrow missile-entity sanctions do not
  count) means *sanctioned*; else coded conditions mean *conditional*; else
  total aid of at least $0.5 billion means *engaged*, less *disengaged*.
* **civilian control**: 0.15 under military rulers; under civilian rulers
  0.35 + 0.03 x max(Polity2, 0) (0.5 without a score) — civilian governments
  never fully controlled security policy (the seed article).
* **assurances**: 0.3 while SEATO or CENTO bound both, 0.1 for major non-NATO
  ally status (the record's ``alliance``).
* conditions, pledges, democracy support and salience: ``bilat/sim/data``.

Observables (targets): from the record's events between states (sub-state
actors and recipients dropped, :func:`bilat.claims.state_events`), per year, the share of
Pakistan->US events that are cooperative (CAMEO roots 03-09) among those that
are cooperative or conflictual (roots 03-20), and the share of US->Pakistan
events that are threats or coercion (:data:`bilat.measure.COERCION_PREFIXES`
without the sanctions and aid cuts of 16x, which the regime already counts);
and the regime above.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import numpy.typing as npt

from bilat.errors import DataMissingError
from bilat.sim.history import History, _coded_series, regime_code
from bilat.sim.instruments import Instruments

__all__ = ["BROAD_SANCTIONS", "PAKISTAN_CCODE", "THREAT_PREFIXES", "history_from_record"]

F64 = npt.NDArray[np.float64]

BROAD_SANCTIONS = (
    "arms_embargo",
    "symington",
    "pressler",
    "glenn",
    "section_508",
    "security_assistance_2018",
)
THREAT_PREFIXES = ("13", "17")
FIRST, LAST = 1950, 2025
#: Pakistan's Correlates of War code (the panel's key).
PAKISTAN_CCODE = 770


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _frame_rows(frame: Any) -> list[dict[str, str]]:
    return [{str(k): _text(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _rows(name: str) -> list[dict[str, str]]:
    """One annual series of :mod:`bilat.record`, as rows of text."""
    try:
        from bilat import record
    except ImportError as err:  # pragma: no cover - the record ships with bilat
        raise DataMissingError("the model needs bilat.record, which is missing") from err
    try:
        frame = record.series(name)
    except Exception as err:  # the record's own error for a missing series
        raise DataMissingError(f"the record series {name!r} is missing: {err}") from err
    return _frame_rows(frame)


def _by_year(rows: list[dict[str, str]], column: str, scale: float = 1.0) -> dict[int, float]:
    out = {}
    for row in rows:
        text = (row.get(column) or "").strip()
        if text:
            out[int(row["year"])] = float(text) * scale
    return out


def _events() -> list[dict[str, str]]:
    """The record's events between states (sub-state actors and recipients dropped)."""
    from bilat import record

    events = record.events()
    try:
        from bilat.claims import state_events
    except ImportError:  # pragma: no cover - claims ships with bilat
        return _frame_rows(events)
    return _frame_rows(state_events(events))


def _coercion_prefixes() -> tuple[str, ...]:
    """Threats and coercion among :data:`bilat.measure.COERCION_PREFIXES` (sanctions excluded).

    Sanctions and aid cuts (CAMEO 162, 163) are the model's *regime*, compared
    separately; counting them here too would count them twice.
    """
    try:
        from bilat.measure import COERCION_PREFIXES
    except ImportError:  # pragma: no cover - measure ships with bilat
        return THREAT_PREFIXES
    return tuple(p for p in COERCION_PREFIXES if not p.startswith("16"))


def _targets(years: npt.NDArray[np.int64]) -> dict[str, F64]:
    prefixes = _coercion_prefixes()
    index = {int(y): i for i, y in enumerate(years)}
    coop = np.zeros(len(years))
    conf = np.zeros(len(years))
    us_all = np.zeros(len(years))
    us_coerce = np.zeros(len(years))
    for event in _events():
        if event.get("modality", "asserted") not in ("asserted", "reported", ""):
            continue
        year = int(str(event["date"])[:4])
        if year not in index:
            continue
        i = index[year]
        code = str(event["cameo"]).strip()
        root = int(code[:2]) if code[:2].isdigit() else 0
        a, r = event["actor_country"], event["recipient_country"]
        if a == "PAK" and r == "USA":
            coop[i] += 3 <= root <= 9
            conf[i] += root >= 10
        elif a == "USA" and r == "PAK":
            us_all[i] += 1
            us_coerce[i] += code.startswith(prefixes)
    with np.errstate(invalid="ignore", divide="ignore"):
        cooperation = np.where(coop + conf > 0, coop / (coop + conf), np.nan)
        coercion = np.where(us_all > 0, us_coerce / us_all, np.nan)
    return {
        "cooperation": cooperation,
        "cooperation_n": coop + conf,
        "coercion": coercion,
        "coercion_n": us_all,
    }


def _unga(years: npt.NDArray[np.int64], panel: Any) -> tuple[F64, F64, str]:
    """Pakistan's yearly UNGA agreement with the US, and the roll calls behind it.

    With the panel, the agreement less the mean of all US partners that year
    (the Cold-War and post-Cold-War swings in every state's agreement with the
    US are not the dyad's); without it, the record's own series. Years with
    fewer than 10 joint votes are left out (2020: one vote).
    """
    rows = {int(r["year"]): r for r in _rows("unga_agreement")}
    value = np.full(len(years), np.nan)
    count = np.zeros(len(years))
    for i, y in enumerate(years.tolist()):
        row = rows.get(int(y), {})
        a, n = (row.get("agreement") or "").strip(), (row.get("n_joint_votes") or "").strip()
        if a and n and float(n) >= 10:
            value[i], count[i] = float(a), float(n)
    source = "bilat.record unga_agreement"
    if panel is not None and "unga_agree_all" in panel.columns:
        # one measure throughout: the panel's agreement for Pakistan less all partners' mean
        mean = panel.groupby("year")["unga_agree_all"].mean()
        own = panel[panel["ccode"] == PAKISTAN_CCODE].set_index("year")["unga_agree_all"]
        for i, y in enumerate(years.tolist()):
            y = int(y)
            ok = y in mean.index and y in own.index and _finite(own[y]) and _finite(mean[y])
            if ok and np.isfinite(value[i]):
                value[i] = float(own[y]) - float(mean[y])
            else:
                value[i] = np.nan
        source = (
            "bilat.panel unga_agree_all for Pakistan less the mean of all US partners that "
            "year (roll-call counts from bilat.record unga_agreement)"
        )
    return value, count, source


def _finite(value: Any) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False


def _panel_targets(
    years: npt.NDArray[np.int64], pak: Any
) -> tuple[dict[str, F64], dict[str, float]]:
    """China's arms share (SIPRI) and ICEWS cooperation from the panel's Pakistan rows."""
    out: dict[str, F64] = {}
    noise: dict[str, float] = {}
    by_year = pak.set_index("year")
    if "arms_share_china" in by_year.columns:
        share = np.array(
            [
                float(by_year.at[int(y), "arms_share_china"])
                if int(y) in by_year.index and _finite(by_year.at[int(y), "arms_share_china"])
                else np.nan
                for y in years.tolist()
            ]
        )
        if np.isfinite(share).sum() > 5:
            out["china_arms"] = share
            steps = np.diff(share[np.isfinite(share)])
            noise["china_arms"] = float(np.std(steps) / np.sqrt(2.0))
    cols = ("icews_vcoop_to_us", "icews_mcoop_to_us", "icews_vconf_to_us", "icews_mconf_to_us")
    if all(c in by_year.columns for c in cols):
        coop = np.full(len(years), np.nan)
        total = np.zeros(len(years))
        for i, y in enumerate(years.tolist()):
            if int(y) not in by_year.index:
                continue
            v = [float(by_year.at[int(y), c]) for c in cols]
            if all(x == x for x in v) and sum(v) > 0:
                coop[i] = (v[0] + v[1]) / sum(v)
                total[i] = sum(v)
        if np.isfinite(coop).any():
            out["icews_cooperation"] = coop
            out["icews_cooperation_n"] = total
    return out, noise


def _panel() -> tuple[Any, Any, str]:
    """The panel (all partners) and Pakistan's rows, or ``(None, None, why not)``."""
    try:
        load_panel = importlib.import_module("bilat.panel").load_panel
    except (ImportError, AttributeError) as err:
        return None, None, f"the cross-national panel (bilat.panel) is not available: {err}"
    try:
        panel = load_panel()
    except Exception as err:  # the panel's own error for a missing file
        return None, None, f"the cross-national panel could not be loaded: {err}"
    pak = panel[panel["ccode"] == PAKISTAN_CCODE]
    if pak.empty:
        return panel, None, "the panel has no rows for Pakistan (COW 770)"
    return panel, pak, ""


def history_from_record(use_panel: bool = True) -> History:
    """The US-Pakistan history, 1950-2025 (see the module docstring for every choice).

    With ``use_panel`` (and :mod:`bilat.panel` present) the aid split, China's
    arms share, ICEWS cooperation and the relative UN agreement come from the
    cross-national panel; without it, from the record alone (and notes say so).
    """
    years = np.arange(FIRST, LAST + 1)
    notes: list[str] = []
    panel, pak, why = _panel() if use_panel else (None, None, "panel not used")
    if why:
        notes.append(why)
    accounts = {int(r["year"]): r for r in _rows("aid_accounts")}
    crs = _rows("aid_crs")
    csf = _by_year(crs, "csf_constant_2020_usd_millions", 1e-3)
    sanctions_rows = {int(r["year"]): r for r in _rows("sanctions")}
    regime_rows = {int(r["year"]): r for r in _rows("regime")}
    alliance_rows = {int(r["year"]): r for r in _rows("alliance")}
    coded = _coded_series(years)

    def money(row: dict[str, str], column: str) -> float:
        text = (row.get(column) or "").strip()
        return float(text) * 1e-9 if text else float("nan")

    total = np.zeros(len(years))
    split = np.full(len(years), np.nan)
    ct = np.zeros(len(years))
    known_total = [
        y for y, r in accounts.items() if np.isfinite(money(r, "total_constant_2020_usd"))
    ]
    last_total = max(known_total)
    for i, year in enumerate(years.tolist()):
        y = int(year)
        row = accounts.get(min(y, last_total), {})
        total[i] = np.nan_to_num(money(row, "total_constant_2020_usd"))
        mil = money(row, "greenbook_military_constant_2020_usd")
        econ = money(row, "greenbook_economic_constant_2020_usd")
        if np.isfinite(mil) and np.isfinite(econ) and mil + econ > 0:
            split[i] = mil / (mil + econ)
        ct[i] = csf.get(y, 0.0)
    measured = np.isfinite(split)
    last_split = int(years[measured][-1]) if measured.any() else None
    if last_split is not None:
        # after the Greenbook's last year the Foreign Aid Explorer gives totals only
        split = np.where(measured, split, np.where(years > last_split, split[measured][-1], 0.5))
    notes.append(
        "aid: the record's aid_accounts total in constant 2020 $ (Greenbook economic + military "
        f"to FY2020, Foreign Aid Explorer obligations after), FY1948-{last_total}"
        + (
            f"; {int(years[-1])} carries FY{last_total} forward (imputed)"
            if years[-1] > last_total
            else ""
        )
    )
    notes.append(
        f"aid split into military and economic by the Greenbook's measured shares (aid_accounts) "
        f"in {int(measured.sum())} years"
        + (
            f"; after FY{last_split} the FY{last_split} share is carried forward (no split "
            "published; assumption)"
            if last_split is not None
            else "; evenly otherwise (assumption)"
        )
    )
    notes.append(
        "reimbursements: Coalition Support Funds paid FY2002-16 (aid_crs, constant 2020 $); none "
        "for FY2017-18 by the CRS table, none coded after"
    )
    if pak is None:
        notes.append("the panel is missing: its observables are not fitted")

    schedule = []
    regime = np.zeros(len(years))
    for i, year in enumerate(years.tolist()):
        y = int(year)
        srow = sanctions_rows.get(y, {})
        states = [(srow.get(k) or "").strip() for k in BROAD_SANCTIONS]
        in_force = any(s == "in force" for s in states)
        eased = any(s == "eased" for s in states)
        sanction = 1.0 if in_force else (0.5 * eased)
        rrow = regime_rows.get(y, {})
        if rrow.get("ruler_type") == "military":
            civilian = 0.15
        else:
            polity = (rrow.get("polity2") or "").strip()
            civilian = 0.35 + 0.03 * max(float(polity), 0.0) if polity else 0.5
        arow = alliance_rows.get(y, {})
        pact = any((arow.get(k) or "0").strip() in ("1", "True") for k in ("seato", "cento"))
        mnna = (arow.get("mnna") or "0").strip() in ("1", "True")
        assurances = 0.3 if pact else (0.1 if mnna else 0.0)
        conditions = float(coded["conditions"][i])
        regime[i] = regime_code(in_force, conditions >= 0.5, total[i] >= 0.5)
        schedule.append(
            Instruments(
                military_aid=float(split[i] * total[i]),
                ct_reimbursement=float(ct[i]),
                economic_aid=float((1.0 - split[i]) * total[i]),
                sanctions=sanction,
                conditions=conditions,
                assurances=assurances,
                democracy_support=float(coded["democracy_support"][i]),
                commitment=float(coded["commitment"][i]),
                regime=int(regime[i]),
                civilian=civilian,
                salience=float(coded["salience"][i]),
            )
        )
    targets: dict[str, Any] = _targets(years)
    unga, unga_n, unga_source = _unga(years, panel)
    targets["unga"], targets["unga_n"] = unga, unga_n
    noise_sd: dict[str, float] = {}
    sources = {
        "aid": "bilat.record series aid_accounts (Greenbook and Foreign Aid Explorer), aid_crs",
        "sanctions, regime": "bilat.record series sanctions, regime, alliance",
        "salience, conditions, pledges": "bilat/sim/data/salience.csv, instruments.csv",
        "targets": "bilat.record events (Pakistan->US cooperation share, US->Pakistan "
        "coercion share)",
        "unga": unga_source,
    }
    if pak is not None:
        extra, noise_sd = _panel_targets(years, pak)
        targets.update(extra)
        sources["panel"] = "bilat.panel (SIPRI arms shares, ICEWS counts, Greenbook split)"
    else:
        notes.append("without the panel the fit has no China arms-share or ICEWS series to match")
    return History(
        case="us-pakistan",
        years=years,
        schedule=tuple(schedule),
        targets=targets,
        sources=sources,
        notes=tuple(notes),
        noise_sd=noise_sd,
    )
