"""Every claim honours one contract; each recovers a planted answer; all run on the record."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bilat.claims import (
    CLAIMS,
    INSUFFICIENT,
    MIXED,
    NOT_SUPPORTED,
    SUPPORTED,
    VERDICTS,
    AidUnderMilitaryRule,
    AlliedAndSanctioned,
    Claim,
    ClaimData,
    ClaimResult,
    CoercionIsRegular,
    ConditionalAidResisted,
    Evidence,
    NonSecurityShortLived,
    SecurityDominates,
    SelectiveCooperation,
    SurgesAndAbruptExits,
    claim_class,
    from_record,
    from_store,
    ratio_bootstrap,
    run_case,
    run_claims,
)
from bilat.datasets import PhaseProfile, synthetic_dyad
from bilat.errors import InputError
from bilat.events import EventStore, empty_frame

ARTICLE_IDS = {
    "aid_military_rule",
    "surge_exit",
    "security_only",
    "coercion",
    "allied_sanctioned",
    "selective_cooperation",
    "conditional_aid_resisted",
    "non_security_short_lived",
}


@pytest.fixture(scope="module")
def record() -> ClaimData:
    return from_record()


@pytest.fixture(scope="module")
def record_results(record: ClaimData) -> dict[str, ClaimResult]:
    return {r.claim_id: r for r in run_claims(record, n_boot=500)}


def test_every_article_claim_is_present() -> None:
    assert {c.claim_id for c in CLAIMS} >= ARTICLE_IDS
    assert len({c.claim_id for c in CLAIMS}) == len(CLAIMS)


# -- the shared contract ------------------------------------------------------------------
@pytest.mark.parametrize("cls", CLAIMS, ids=lambda c: c.claim_id)
def test_claim_contract(
    cls: type[Claim], record: ClaimData, record_results: dict[str, ClaimResult]
) -> None:
    # declarative metadata and a docstring that cites literature and states the rule
    assert issubclass(cls, Claim)
    assert cls.claim_id
    assert cls.title
    assert cls.article
    assert cls.needs
    assert len(cls.literature) >= 1
    assert all(isinstance(w, str) and w for w in cls.literature)
    doc = cls.__doc__ or ""
    assert "Statistic" in doc
    assert "Verdict" in doc
    assert "Interval" in doc
    # on the record: a verdict, with evidence behind anything but insufficient data
    result = record_results[cls.claim_id]
    assert result.claim_id == cls.claim_id
    assert result.verdict in VERDICTS
    assert result.reason
    if result.verdict != INSUFFICIENT:
        assert result.value is not None
        assert np.isfinite(result.value)
        assert result.interval is not None
        low, high = result.interval
        assert low <= high
        assert low - 1e-9 <= result.value <= high + 1e-9 or cls is AidUnderMilitaryRule
        assert result.evidence, "a verdict needs the record items behind it"
        assert result.interval_kind
    # JSON round trip
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["verdict"] == result.verdict
    # same seed, same result; the record's own item list is attached
    again = cls(n_boot=500, seed=0).evaluate(record)
    assert again.to_dict() == result.to_dict()
    # no data: insufficient, never an exception
    empty = ClaimData("USA", "PAK", empty_frame())
    assert cls(n_boot=50).evaluate(empty).verdict == INSUFFICIENT


def test_record_verdicts_have_record_items(record_results: dict[str, ClaimResult]) -> None:
    with_items = [r for r in record_results.values() if r.details.get("record_items")]
    assert len(with_items) >= 6
    ids = set(from_record().events["id"])
    coercion = record_results["coercion"]
    assert {e.kind for e in coercion.evidence} == {"event"}
    assert {e.event for e in coercion.evidence} <= ids


def test_record_results_snapshot(record_results: dict[str, ClaimResult]) -> None:
    """The record supports the KLB and coercion claims; the test will flag a change in data."""
    assert record_results["conditional_aid_resisted"].verdict == SUPPORTED
    assert (
        "record:2009-10-07-corps-commanders-klb"
        in (record_results["conditional_aid_resisted"].details["resisting_events"])
    )
    assert record_results["coercion"].verdict in (SUPPORTED, MIXED)
    assert 1991 in [e["exit_year"] for e in record_results["surge_exit"].details["exits"]]


# -- planted answers ------------------------------------------------------------------------
def _synthetic(domain_mix: dict[str, float] | None = None, **kwargs: object) -> ClaimData:
    data = synthetic_dyad(
        years=40,
        dyad="USA:PAK",
        domain_mix=domain_mix,
        seed=0,
        **kwargs,  # type: ignore[arg-type]
    )
    return ClaimData("USA", "PAK", data.events, label="synthetic")


def test_security_dominance_recovered() -> None:
    heavy = {"security": 0.8, "economic": 0.05, "diplomatic": 0.1, "governance": 0.03,
             "humanitarian": 0.02}  # fmt: skip
    light = {"security": 0.2, "economic": 0.3, "diplomatic": 0.3, "governance": 0.1,
             "humanitarian": 0.1}  # fmt: skip
    yes = SecurityDominates(n_boot=300).evaluate(_synthetic(heavy))
    no = SecurityDominates(n_boot=300).evaluate(_synthetic(light))
    assert yes.verdict == SUPPORTED
    assert yes.value == pytest.approx(0.8, abs=0.03)
    assert no.verdict == NOT_SUPPORTED
    assert no.value == pytest.approx(0.2, abs=0.03)


def test_coercion_and_selectivity_on_synthetic_cycle() -> None:
    data = _synthetic()
    assert CoercionIsRegular(n_boot=300).evaluate(data).verdict == SUPPORTED
    # B's security events mix cooperation and conflict through the cycle
    selective = SelectiveCooperation(n_boot=300).evaluate(data)
    assert selective.verdict in (SUPPORTED, MIXED)
    compliant = ClaimData(
        "USA",
        "PAK",
        synthetic_dyad(
            years=20,
            dyad="USA:PAK",
            phases=[("engaged", 20)],
            profiles={"engaged": PhaseProfile(rate=1.0, cooperation=0.99)},
            seed=1,
        ).events,
    )
    assert SelectiveCooperation(n_boot=300).evaluate(compliant).verdict == NOT_SUPPORTED


def _aid_data(military_more: bool) -> ClaimData:
    years = np.arange(1950, 2010)
    military = ((years // 10) % 2 == 1).astype(bool)  # alternate decades
    rng = np.random.default_rng(0)
    level = np.where(military == military_more, 100.0, 40.0) * rng.lognormal(0, 0.2, len(years))
    aid = pd.DataFrame({"year": years, "total_constant_usd": level, "source": "test",
                        "estimate": False})  # fmt: skip
    regime = pd.DataFrame({"year": years, "ruler_type": np.where(military, "military", "civilian")})
    return ClaimData("USA", "PAK", empty_frame(), {"us_aid": aid, "regime": regime})


def test_aid_under_military_rule_recovered() -> None:
    yes = AidUnderMilitaryRule(n_boot=500).evaluate(_aid_data(True))
    no = AidUnderMilitaryRule(n_boot=500).evaluate(_aid_data(False))
    assert yes.verdict == SUPPORTED
    assert yes.value == pytest.approx(2.5, rel=0.2)
    assert no.verdict == NOT_SUPPORTED
    assert no.value < 1


def test_surges_and_exits_recovered() -> None:
    years = np.arange(1950, 2010)
    level = np.full(len(years), 10.0)
    level[(years >= 1955) & (years < 1965)] = 200.0  # surge, abrupt exit in 1965
    level[(years >= 1980) & (years < 1990)] = 300.0  # surge, abrupt exit in 1990
    abrupt = pd.DataFrame({"year": years, "total_constant_usd": level})
    data = ClaimData("USA", "PAK", empty_frame(), {"aid": abrupt})
    result = SurgesAndAbruptExits(n_boot=300).evaluate(data)
    assert result.verdict == SUPPORTED
    assert [e["exit_year"] for e in result.details["exits"]] == [1965, 1990]
    slow = level.copy()
    for start in (1965, 1990):  # the same surges fading over ten years
        span = (years >= start) & (years < start + 10)
        slow[span] = np.geomspace(slow[years == start - 1][0], 10.0, span.sum() + 1)[1:]
    faded = ClaimData("USA", "PAK", empty_frame(), {"aid": abrupt.assign(total_constant_usd=slow)})
    assert SurgesAndAbruptExits(n_boot=300).evaluate(faded).verdict != SUPPORTED


def test_allied_and_sanctioned_recovered() -> None:
    years = np.arange(1950, 2010)
    ally = pd.DataFrame({"year": years, "treaty": 1})
    overlap = pd.DataFrame({"year": years, "n_in_force": ((years % 10) < 5).astype(int)})
    never = overlap.assign(n_in_force=0)
    found = AlliedAndSanctioned(n_boot=300).evaluate(
        ClaimData("USA", "PAK", empty_frame(), {"alliance": ally, "sanctions": overlap})
    )
    assert found.verdict == SUPPORTED
    assert found.value == pytest.approx(0.5)
    none = AlliedAndSanctioned(n_boot=300).evaluate(
        ClaimData("USA", "PAK", empty_frame(), {"alliance": ally, "sanctions": never})
    )
    assert none.verdict == NOT_SUPPORTED


def _event(i: int, date: str, actor: str, recipient: str, cameo: str, domain: str,
           sentence: str = "") -> dict[str, object]:  # fmt: skip
    root = cameo[:2]
    r = int(root)
    penta = 0 if r <= 2 else 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 13 or r == 16 else 4
    return {"id": f"t:{i}", "date": pd.Timestamp(date).date(), "actor_country": actor,
            "recipient_country": recipient, "cameo": cameo, "root": root, "penta": penta,
            "quad": 1, "goldstein": 0.0, "domain": domain, "sentence": sentence}  # fmt: skip


def test_conditional_aid_resistance_detected_and_absent() -> None:
    base = [_event(i, f"{2000 + i}-03-01", "PAK", "USA", "040", "diplomatic") for i in range(8)]
    act = _event(100, "2009-10-15", "USA", "PAK", "071", "economic", "Kerry-Lugar act signed")
    protest = _event(101, "2009-11-01", "PAK", "USA", "111", "security", "Army denounces the bill")
    calm = _event(102, "2009-11-01", "PAK", "USA", "040", "diplomatic", "Talks continue")
    hot = pd.DataFrame([*base, act, protest])
    cold = pd.DataFrame([*base, act, calm])
    yes = ConditionalAidResisted(n_boot=300).evaluate(ClaimData("USA", "PAK", hot))
    no = ConditionalAidResisted(n_boot=300).evaluate(ClaimData("USA", "PAK", cold))
    assert yes.verdict == SUPPORTED
    assert Evidence.of_event("t:101") in yes.evidence
    assert no.verdict == NOT_SUPPORTED


def _spell_events(long_domain: str, short_domain: str) -> pd.DataFrame:
    rows = []
    long_years = [*range(1950, 1970), *range(1975, 1995), *range(2000, 2010)]
    short_years = [1955, 1956, 1980, 2003, 2004]
    for y in long_years:
        rows.append(_event(y, f"{y}-05-01", "USA", "PAK", "062", long_domain))
    for y in short_years:
        rows.append(_event(10_000 + y, f"{y}-06-01", "USA", "PAK", "071", short_domain))
    return pd.DataFrame(rows)


def test_non_security_spells_recovered() -> None:
    short = _spell_events("security", "economic")
    result = NonSecurityShortLived(n_boot=300).evaluate(ClaimData("USA", "PAK", short))
    assert result.verdict == SUPPORTED
    assert result.details["security_spells"] == [20, 20, 10]
    assert result.details["non_security_spells"] == [2, 1, 2]
    long = _spell_events("economic", "security")
    result = NonSecurityShortLived(n_boot=300).evaluate(ClaimData("USA", "PAK", long))
    assert result.verdict == NOT_SUPPORTED


# -- helpers and entry points -------------------------------------------------------------
def test_ratio_bootstrap_is_seeded_and_brackets_value() -> None:
    num, den = np.array([1.0, 2, 3, 4, 5]), np.array([5.0, 5, 5, 5, 5])
    a = ratio_bootstrap(num, den, n_boot=400, seed=1)
    b = ratio_bootstrap(num, den, n_boot=400, seed=1)
    assert a == b
    value, (low, high) = a
    assert value == pytest.approx(0.6)
    assert low <= value <= high


def test_run_case_and_unknown_names() -> None:
    results = run_case("us-pakistan", n_boot=100)
    assert {r.claim_id for r in results} == {c.claim_id for c in CLAIMS}
    with pytest.raises(InputError, match="us-pakistan"):
        run_case("us-mars")
    with pytest.raises(InputError, match="surge_exit"):
        claim_class("nonsense")
    assert claim_class("coercion") is CoercionIsRegular


def test_claims_run_on_a_store() -> None:
    data = synthetic_dyad(years=30, dyad="USA:PAK", seed=2)
    with EventStore(":memory:") as store:
        store.add_batch(data.events, file="synthetic", sha256="synthetic-2")
        claim_data = from_store(store, "USA:PAK")
    assert len(claim_data.events) == len(data.events)
    verdicts = {r.claim_id: r.verdict for r in run_claims(claim_data, n_boot=100)}
    assert verdicts["aid_military_rule"] == INSUFFICIENT  # no series in a bare store
    assert verdicts["coercion"] == SUPPORTED
