"""The record's events: coverage, citations, dates, codes, ids and the episodes of issue 4."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from bilat import ontology, record
from bilat.events import DOMAINS, EVENT_FIELDS, EventStore, validate_record
from bilat.record._chronology import read_events_file

#: Every episode issue 4 (section 1) lists, with the ids of the events that record it.
EPISODES: dict[str, tuple[str, ...]] = {
    "1954 agreement": ("record:1954-05-19-mutual-defense-assistance",),
    "1959 agreement": ("record:1959-03-05-agreement-of-cooperation-1959",),
    "SEATO": ("record:1954-09-08-seato-manila-pact", "record:1972-11-seato-withdrawal"),
    "CENTO": ("record:1955-09-23-baghdad-pact-accession", "record:1979-03-12-cento-withdrawal"),
    "1965 war": ("record:1965-09-06-war-1965",),
    "1965 arms embargo": ("record:1965-09-arms-embargo-1965",),
    "1971 war": ("record:1971-12-03-war-1971",),
    "1971 arms cut-off": ("record:1971-11-arms-licences-cancelled-1971",),
    "embargo lifted": ("record:1975-02-embargo-lifted-1975",),
    "1979 aid cut-off": ("record:1979-04-aid-cutoff-1979",),
    "1979 embassy attack": ("record:1979-11-21-embassy-attack-1979",),
    "Soviet invasion": ("record:1979-12-24-soviet-invasion",),
    "1981 aid package": (
        "record:1981-06-reagan-package-1981",
        "record:1981-12-29-symington-waiver-1981",
    ),
    "1986 aid package": ("record:1986-03-second-package-1986",),
    "Pressler amendment 1985": ("record:1985-08-08-pressler-amendment",),
    "Pressler sanctions 1990": ("record:1990-10-01-pressler-sanctions-1990",),
    "1998 nuclear tests": ("record:1998-05-28-pakistan-nuclear-tests-1998",),
    "Glenn sanctions": ("record:1998-05-30-glenn-sanctions-1998",),
    "1999 coup sanctions": (
        "record:1999-10-12-musharraf-coup",
        "record:1999-10-section-508-sanctions",
    ),
    "2001 ultimatum": ("record:2001-09-13-armitage-seven-demands",),
    "2001 waivers": ("record:2001-09-22-glenn-waiver-2001", "record:2001-10-27-pl-107-57"),
    "2001 cooperation": ("record:2001-10-bases-and-airspace-2001",),
    "al-Qaida suspects handed over": (
        "record:2002-03-28-abu-zubaydah",
        "record:2002-09-11-ramzi-bin-al-shibh",
        "record:2003-03-01-ksm-capture",
    ),
    "2004 major non-NATO ally": ("record:2004-06-16-mnna-designation",),
    "Coalition Support Funds": (
        "record:2016-08-csf-withheld-2016",
        "record:2018-09-csf-cancelled-2018",
    ),
    "Kerry-Lugar-Berman act": ("record:2009-09-30-klb-house-passage",),
    "military's objections to KLB": ("record:2009-10-07-corps-commanders-klb",),
    "Raymond Davis": ("record:2011-01-27-raymond-davis-shooting",),
    "Abbottabad": ("record:2011-05-02-abbottabad-raid",),
    "Salala": ("record:2011-11-26-salala",),
    "NATO supply routes closed": ("record:2011-11-26-gloc-closure-2011",),
    "drone strikes": (
        "record:2004-06-18-first-drone-strike",
        "record:2008-drone-campaign-expands-2008",
        "record:2013-11-01-hakimullah-killed",
    ),
    "National Action Plan": (
        "record:2014-12-24-national-action-plan",
        "record:2015-01-06-military-courts-amendment",
    ),
    "2018 security assistance suspension": (
        "record:2018-01-04-security-assistance-suspension-2018",
    ),
    "2021 US withdrawal": ("record:2021-08-30-us-withdrawal-complete",),
    "CPEC": ("record:2013-07-05-cpec-mou", "record:2015-04-20-xi-visit-cpec"),
}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return record.events()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return read_events_file()


def test_at_least_250_events_with_every_schema_field(frame: pd.DataFrame) -> None:
    assert len(frame) >= 250
    assert list(frame.columns) == [f.name for f in EVENT_FIELDS]
    assert set(frame["dataset"]) == {"record"}
    assert set(frame["weight"]) == {1.0}
    assert set(frame["modality"]) <= {"asserted", "reported"}


@pytest.mark.parametrize("episode", sorted(EPISODES))
def test_every_issue_episode_is_present(frame: pd.DataFrame, episode: str) -> None:
    missing = [i for i in EPISODES[episode] if i not in set(frame["id"])]
    assert not missing, f"{episode}: {missing}"


def test_every_event_has_a_citation_without_pages_or_urls(raw: pd.DataFrame) -> None:
    for row in raw.itertuples():
        assert row.citation.strip(), row.id
        assert re.search(r"\b(1[89]\d\d|20\d\d)\b", row.citation), f"{row.id}: no year"
        assert "http" not in row.citation, row.id
        assert "www." not in row.citation, row.id
        assert not re.search(r"\bpp?\. ?\d", row.citation), f"{row.id}: page number"


def test_every_event_has_a_one_sentence_summary(raw: pd.DataFrame) -> None:
    for row in raw.itertuples():
        text = row.sentence.strip()
        assert text.endswith("."), row.id
        assert 30 <= len(text) <= 320, row.id


def test_ids_are_unique_stable_and_carry_the_date(raw: pd.DataFrame) -> None:
    assert raw["id"].is_unique
    for row in raw.itertuples():
        match = re.fullmatch(r"record:(\d{4}(?:-\d\d){0,2})-([a-z0-9]+(?:-[a-z0-9]+)*)", row.id)
        assert match, row.id
        assert row.date.startswith(match.group(1)), row.id


def test_no_duplicate_events(raw: pd.DataFrame) -> None:
    key = ["date", "actor_code", "recipient_code", "cameo"]
    dupes = raw[raw.duplicated(key, keep=False)]
    assert dupes.empty, dupes[["id", *key]].to_string()


def test_dates_lie_in_1947_2025_and_match_their_precision(frame: pd.DataFrame) -> None:
    first, last = dt.date(1947, 1, 1), dt.date(2025, 12, 31)
    for row in frame.itertuples():
        assert first <= row.date <= last, row.id
        end = row.date_end if isinstance(row.date_end, dt.date) else None
        if end is not None:
            assert row.date <= end <= last, row.id
        if row.date_precision == "month":
            assert row.date.day == 1, row.id
        if row.date_precision == "year":
            assert (row.date.month, row.date.day) == (1, 1), row.id
        if row.date_precision == "range":
            assert end is not None, row.id


def test_codes_are_text_and_known_to_the_ontology(raw: pd.DataFrame) -> None:
    for row in raw.itertuples():
        assert ontology.is_cameo(row.cameo), f"{row.id}: {row.cameo}"
        assert row.domain in DOMAINS, row.id


def test_derived_fields_come_from_the_ontology(frame: pd.DataFrame) -> None:
    for row in frame.sample(40, random_state=0).itertuples():
        code = ontology.cameo(row.cameo)
        assert (row.root, row.quad, row.penta, row.goldstein) == (
            code.root,
            code.quad,
            code.penta,
            code.goldstein,
        )


def test_actors_have_known_countries_and_sectors(raw: pd.DataFrame) -> None:
    known_sectors = set(ontology.sectors()["code"])
    for side in ("actor", "recipient"):
        for row in raw.itertuples():
            country = getattr(row, f"{side}_country")
            sector = getattr(row, f"{side}_sector")
            text = getattr(row, f"{side}_text")
            assert text.strip(), row.id
            if country:
                assert ontology.to_iso3(country) == country, f"{row.id}: {country}"
            if sector:
                assert sector in known_sectors, f"{row.id}: {sector}"
            assert country or sector, row.id


def test_us_pakistan_dyad_is_the_core(frame: pd.DataFrame) -> None:
    pair = {"USA", "PAK"}
    dyad = frame[
        frame["actor_country"].isin(pair)
        & frame["recipient_country"].isin(pair)
        & (frame["actor_country"] != frame["recipient_country"])
    ]
    assert len(dyad) >= 150
    decades = set(dyad["date"].map(lambda d: d.year // 10 * 10))
    assert decades >= set(range(1950, 2030, 10))


def test_every_event_passes_validate_record(frame: pd.DataFrame) -> None:
    for rec in frame.to_dict("records"):
        validate_record(rec)


def test_since_and_until_filter_by_overlap() -> None:
    part = record.events(since="2011-01-01", until="2011-12-31")
    assert "record:2011-05-02-abbottabad-raid" in set(part["id"])
    assert all(d.year == 2011 for d in part["date"])
    spanning = record.events(since="1989-01-01", until="1989-01-31")
    assert "record:1980-covert-arms-pipeline" in set(spanning["id"])


def test_load_is_idempotent(store: EventStore) -> None:
    first = record.load(store)
    assert (first.read, first.stored, first.quarantined) == (len(record.events()), first.read, 0)
    second = record.load(store)
    assert second.already_ingested
    assert second.stored == 0
    assert store.count() == first.stored
    stored = store.query("USA:PAK", datasets=["record"])
    assert len(stored) >= 150
