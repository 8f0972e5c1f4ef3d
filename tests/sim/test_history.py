"""The calibration history built from the record, and the coding tables shipped with the model."""

from __future__ import annotations

import numpy as np
import pytest

from bilat.errors import UnknownCodeError
from bilat.sim.history import ERAS, coded_table, load_history, stylised_schedule, synthetic_history
from bilat.sim.params import Theta


def test_us_pakistan_history() -> None:
    h = load_history("us-pakistan")
    assert h.years[0] == 1950
    assert h.years[-1] == 2025
    assert np.all(np.diff(h.years) == 1)
    assert len(h.schedule) == len(h.years)
    for name in ("cooperation", "coercion", "unga", "cooperation_n", "unga_n"):
        assert h.targets[name].shape == h.years.shape
    # the regime restates the inputs: it is not a target
    assert "regime" not in h.targets
    # shares come with the counts behind them
    ok = np.isfinite(h.targets["cooperation"])
    assert (h.targets["cooperation_n"][ok] >= 1).all()
    assert np.isfinite(h.targets["unga"]).sum() > 60
    assert np.nanmin(h.targets["cooperation"]) >= 0
    assert np.nanmax(h.targets["cooperation"]) <= 1
    assert h.sources
    assert h.notes
    # the 1990s sanctions and the post-2001 surge are in the schedule
    y = {int(year): i for i, year in enumerate(h.years)}
    assert h.schedule[y[1995]].regime == 2
    assert h.schedule[y[2005]].regime == 0
    assert h.schedule[y[2005]].ct_reimbursement > 0.5
    aid = h.aid()
    assert aid["military_aid"].shape == h.years.shape


def test_unknown_case() -> None:
    with pytest.raises(UnknownCodeError, match="us-pakistan"):
        load_history("us-india")


@pytest.mark.parametrize("name", ["salience", "instruments"])
def test_coding_tables_carry_sources(name: str) -> None:
    rows = coded_table(name)
    assert rows
    for row in rows:
        assert row["source"].strip(), row
        assert row["basis"].strip(), row
        assert int(row["start"]) <= int(row["end"])


def test_eras_cover_the_record() -> None:
    starts = [a for _, a, _ in ERAS]
    ends = [b for _, _, b in ERAS]
    assert starts == sorted(starts)
    assert all(b + 1 == a for a, b in zip(starts[1:], ends[:-1], strict=True))


def test_synthetic_history_has_known_truth() -> None:
    theta = Theta(precision=3.0)
    h = synthetic_history(theta, seed=4)
    assert h.truth is theta
    years, schedule = stylised_schedule()
    assert len(h.schedule) == len(schedule) == len(years)
    again = synthetic_history(theta, seed=4)
    np.testing.assert_array_equal(h.targets["cooperation"], again.targets["cooperation"])


def test_history_reads_the_audited_record() -> None:
    """Aid from aid_accounts (Greenbook split), CSF from aid_crs, state events only."""
    from pathlib import Path

    from bilat import record
    from bilat.ontology import SUBSTATE_SECTORS
    from bilat.sim._record import _events

    h = load_history("us-pakistan")
    aid = h.aid()
    accounts = record.series("aid_accounts").set_index("year")
    for year in (1960, 1985, 2010, 2019, 2024):
        i = h.index(year)
        total = accounts.loc[year, "total_constant_2020_usd"] / 1e9
        assert aid["military_aid"][i] + aid["economic_aid"][i] == pytest.approx(total)
    i = h.index(2010)
    mil = accounts.loc[2010, "greenbook_military_constant_2020_usd"]
    econ = accounts.loc[2010, "greenbook_economic_constant_2020_usd"]
    assert aid["military_aid"][i] / (aid["military_aid"][i] + aid["economic_aid"][i]) == (
        pytest.approx(mil / (mil + econ))
    )
    csf = record.series("aid_crs").set_index("year")["csf_constant_2020_usd_millions"]
    for year in (2002, 2009, 2013, 2016):
        assert aid["ct_reimbursement"][h.index(year)] == pytest.approx(csf[year] / 1e3)
    assert aid["ct_reimbursement"][h.index(2017)] == 0.0
    assert not any("half the" in note for note in h.notes)
    for event in _events():
        assert event.get("actor_sector") not in SUBSTATE_SECTORS
        assert event.get("recipient_sector") not in SUBSTATE_SECTORS
    removed = (
        "1988-04-10-ojhri-camp-explosion",
        "1990-10-f16-delivery-halted",
        "2001-09-stone-age-threat",
        "2009-09-24-klb-senate-passage",
        "2009-10-15-enhanced-partnership-act",
    )
    sim_dir = Path(__file__).resolve().parents[2] / "src" / "bilat" / "sim"
    for path in sim_dir.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".csv", ".toml", ".md"):
            text = path.read_text(encoding="utf-8")
            assert not any(r in text for r in removed), path
