"""The known-answer generator: schema-valid, seeded, and faithful to what it plants."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from bilat.datasets import synthetic_dyad
from bilat.errors import InputError
from bilat.events import EVENT_FIELDS, EventStore, validate_record


def test_events_are_valid_records_in_both_directions() -> None:
    data = synthetic_dyad(years=6, seed=1)
    events = data.events
    assert list(events.columns) == [f.name for f in EVENT_FIELDS]
    assert set(events["dataset"]) == {"synthetic"}
    assert set(zip(events["actor_country"], events["recipient_country"], strict=True)) == {
        ("XAA", "XBB"),
        ("XBB", "XAA"),
    }
    for record in events.sample(300, random_state=0).to_dict("records"):
        validate_record(record)
    assert events["id"].is_unique
    assert all(isinstance(c, str) for c in events["cameo"])


def test_store_accepts_every_event() -> None:
    data = synthetic_dyad(years=5, seed=2)
    with EventStore(":memory:") as store:
        result = store.insert(data.events, file="synthetic")
        assert result.stored == len(data.events)
        assert result.quarantined == 0


def test_same_seed_same_result_and_different_seed_differs() -> None:
    a = synthetic_dyad(years=5, seed=7)
    b = synthetic_dyad(years=5, seed=7)
    c = synthetic_dyad(years=5, seed=8)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.truth.latent, b.truth.latent)
    assert not a.events["cameo"].equals(c.events["cameo"]) or len(a.events) != len(c.events)


def test_planted_phases_shape_rates_and_mix() -> None:
    data = synthetic_dyad(
        phases=[("engaged", 8), ("sanctioned", 8), ("disengaged", 8)], rate=300, seed=3
    )
    truth = data.truth
    assert list(truth.phases["label"]) == ["engaged", "sanctioned", "disengaged"]
    assert truth.phases["start"].iloc[0] == dt.date(1980, 1, 1)
    assert truth.breakpoints() == [dt.date(1988, 1, 1), dt.date(1996, 1, 1)]
    events = data.events
    starts = np.array([d.toordinal() for d in truth.phases["start"]])
    ordinals = np.array([d.toordinal() for d in events["date"]])
    phase = truth.phases["label"].to_numpy()[np.searchsorted(starts, ordinals, side="right") - 1]
    sample = events["date"].iloc[::500]
    assert [truth.phase_at(d) for d in sample] == list(phase[::500])
    per_year = pd.Series(phase).value_counts() / 8 / 2
    assert per_year["engaged"] == pytest.approx(300, rel=0.1)
    assert per_year["disengaged"] == pytest.approx(75, rel=0.15)
    coop = events["penta"].isin([1, 2]).to_numpy()
    share = {p: coop[phase == p].mean() for p in ("engaged", "sanctioned")}
    assert share["engaged"] > 0.6 > 0.3 > share["sanctioned"]
    sanctions = events["cameo"].eq("163").to_numpy()
    assert sanctions[phase == "sanctioned"].mean() > 5 * sanctions[phase == "engaged"].mean()


def test_planted_domain_mix_of_cooperation() -> None:
    mix = {"security": 0.7, "economic": 0.1, "diplomatic": 0.1, "governance": 0.05,
           "humanitarian": 0.05}  # fmt: skip
    data = synthetic_dyad(years=20, domain_mix=mix, seed=4)
    coop = data.events[data.events["penta"].isin([1, 2])]
    shares = coop["domain"].value_counts(normalize=True)
    for domain, share in mix.items():
        assert shares[domain] == pytest.approx(share, abs=0.03)
    assert data.truth.domain_mix == pytest.approx(mix)


def test_planted_reciprocity_in_latent_truth() -> None:
    data = synthetic_dyad(years=30, phases=[("engaged", 30)], reciprocity=1.5, lag=2, seed=5)
    latent = data.truth.latent
    lead = np.log(latent["p_coop_b"] / (1 - latent["p_coop_b"])).to_numpy()
    mood = latent["mood_a"].to_numpy()
    corr = [np.corrcoef(mood[: -k or None], lead[k:])[0, 1] for k in range(4)]
    assert int(np.argmax(corr)) == 2
    assert data.truth.lag == 2
    assert data.truth.reciprocity == 1.5


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"phases": [("peace", 3)]}, "phases"),
        ({"domain_mix": {"space": 1.0}}, "domain_mix"),
        ({"lag": 0}, "lag"),
        ({"rate": -1.0}, "rate"),
        ({"dyad": "USA-PAK"}, "dyad"),
    ],
)
def test_bad_arguments_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        synthetic_dyad(years=2, **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_phase_at_outside_span_raises() -> None:
    data = synthetic_dyad(years=2, seed=0)
    with pytest.raises(InputError, match="outside"):
        data.truth.phase_at("1970-01-01")


def test_same_seed_same_events_across_processes() -> None:
    code = (
        "import hashlib; from bilat.datasets import synthetic_dyad; "
        "e = synthetic_dyad(years=3, seed=11).events; "
        "print(hashlib.sha256(e.to_csv(index=False).encode()).hexdigest())"
    )
    here = synthetic_dyad(years=3, seed=11).events
    digest = hashlib.sha256(here.to_csv(index=False).encode()).hexdigest()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == digest
