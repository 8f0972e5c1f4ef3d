"""A fully populated StudyResult built from synthetic data, for testing the report and the app.

Every number here is synthetic test data (bilat.datasets.synthetic_dyad and
made-up model outputs); none of it is shown to users.
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bilat.datasets import synthetic_dyad
from bilat.study import StageOutcome, StudyResult, get_case
from bilat.study.pipeline import STAGES
from bilat.study.stages import collect_sources


def _event_ref(event_id: object) -> dict[str, Any]:
    return {"kind": "event", "event": str(event_id), "series": None, "year": None, "column": None}


def _row_ref(series: str, year: int) -> dict[str, Any]:
    return {"kind": "series", "event": None, "series": series, "year": year, "column": None}


def fake_result(seed: int = 0) -> StudyResult:
    """A StudyResult whose every stage is 'ok', on synthetic data."""
    case = get_case("us-pakistan")
    data = synthetic_dyad(
        years=75,
        start=1950,
        dyad="USA:PAK",
        rate=30.0,
        seed=seed,
        phases=[
            ("engaged", 15),
            ("sanctioned", 14),
            ("engaged", 11),
            ("sanctioned", 11),
            ("engaged", 10),
            ("disengaged", 14),
        ],
    )
    events = data.events.copy()
    events["dataset"] = "record"
    events["citation"] = [f"Synthetic source {i % 7}" for i in range(len(events))]
    events["sentence"] = [f"Synthetic event number {i}." for i in range(len(events))]
    coded = events.sample(12, random_state=seed).copy()
    coded["dataset"] = "coded"
    coded["modality"] = ["asserted"] * 8 + [
        "prescriptive",
        "counterfactual",
        "reported",
        "hypothetical",
    ]
    coded["doc_id"] = "doc:test"
    years = np.arange(1950, 2025)
    rng = np.random.default_rng(seed)
    obligations = pd.DataFrame(
        {
            "year": np.arange(1978, 2018),
            "obligations_constant_2020_usd": rng.gamma(2.0, 5e8, size=40),
            "source": "Synthetic obligations source",
        }
    )
    crs = pd.DataFrame(
        {
            "year": np.arange(2002, 2014),
            "csf_constant_2020_usd_millions": [1000.0 + 50 * i for i in range(7)] + [np.nan] * 5,
            "total_current_usd_billions": [np.nan] * 7 + [3.0, 4.0, 3.5, 2.5, 1.5],
            "estimate": [True] * 7 + [False] * 5,
            "source": "Synthetic CRS source",
        }
    )
    greenbook = pd.DataFrame(
        {"year": years, "economic_usd": rng.gamma(2.0, 1e8, size=len(years)), "source": "Synth GB"}
    )
    regime = pd.DataFrame(
        {
            "year": years,
            "ruler_type": ["military" if (y // 10) % 2 else "civilian" for y in years],
            "source": "Synthetic regime source",
        }
    )
    sanctions = pd.DataFrame(
        {
            "year": years,
            "pressler": [
                "in force" if 1990 <= y <= 1995 else "eased" if y <= 2001 and y > 1995 else ""
                for y in years
            ],
            "glenn": ["in force" if 1998 <= y <= 2001 else "" for y in years],
            "estimate": False,
            "source": "Synthetic sanctions source",
        }
    )
    result = StudyResult(case=case, seed=seed, budget=100)
    result.events = events
    result.coded = coded
    result.documents = [
        {
            "file": "article.txt",
            "doc_id": "doc:test",
            "doc_date": "2016-01-01",
            "events": 12,
            "facts": 9,
        }
    ]
    result.series = {
        "aid_obligations": obligations,
        "aid_crs": crs,
        "aid_greenbook": greenbook,
        "regime": regime,
        "sanctions": sanctions,
    }
    from bilat.measure import dyad_series

    result.measures = {
        "yearly": dyad_series(
            events, "USA:PAK", freq="year", since="1950-01-01", until="2024-12-31"
        ),
        "phases": [
            {"start": dt.date(1950, 1, 1), "end": dt.date(1965, 1, 1), "label": "engagement"},
            {"start": dt.date(1965, 1, 1), "end": dt.date(1979, 1, 1), "label": "sanction"},
            {"start": dt.date(1979, 1, 1), "end": dt.date(2025, 1, 1), "label": "disengagement"},
        ],
        "phase_method": "hmm (USA->PAK)",
    }
    ids = [_event_ref(i) for i in events["id"].iloc[:6]]
    result.claims = [
        {
            "id": "aid_military_rule",
            "claim": "US aid is higher under military rule.",
            "verdict": "supported",
            "statistic": {"name": "ratio", "value": 2.1},
            "interval": {"low": 1.4, "high": 3.2, "level": 0.9},
            "explanation": "Synthetic.",
            "series": ["aid", "regime"],
            "evidence": [*ids[:3], _row_ref("sanctions", 1991), _row_ref("sanctions", 1992)],
        },
        {
            "id": "surges_exits",
            "claim": "US engagement comes in surges followed by abrupt exits.",
            "verdict": "mixed",
            "statistic": None,
            "interval": None,
            "explanation": None,
            "series": [],
            "evidence": ids[3:],
        },
        {
            "id": "conditional_aid",
            "claim": "Conditional civilian aid met resistance.",
            "verdict": "insufficient_data",
            "statistic": None,
            "interval": None,
            "explanation": None,
            "series": [],
            "evidence": [],
        },
    ]
    fit = [
        {
            "series": s,
            "year": int(y),
            "observed": float(v),
            "median": float(v) + 0.1,
            "low": float(v) - 0.3,
            "high": float(v) + 0.4,
        }
        for s in ("cooperation", "aid")
        for y, v in zip(years, np.sin(years / 5.0), strict=True)
    ]
    result.calibration = {
        "method": "ABC-SMC",
        "parameters": [
            {
                "name": "trust_gain",
                "prior": {"low": 0.0, "high": 1.0, "level": 0.9},
                "posterior": {"low": 0.2, "high": 0.7, "level": 0.9},
                "median": 0.45,
                "width_ratio": 0.5,
            },
        ],
        "fit": fit,
    }
    outcomes = ("trust_deficit", "militant_threat", "china_dependence", "rupture")
    result.policies = [
        {
            "name": name,
            "label": name.replace("_", " "),
            "description": f"Synthetic policy {name}.",
            "outcomes": [
                {
                    "name": o,
                    "label": o.replace("_", " "),
                    "mean": 0.3 + 0.1 * i + 0.05 * j,
                    "interval": {"low": 0.2 + 0.1 * i, "high": 0.5 + 0.1 * i, "level": 0.9},
                    "unit": "share",
                    "lower_is_better": True,
                }
                for j, o in enumerate(outcomes)
            ],
        }
        for i, name in enumerate(case.policies)
    ]
    result.sensitivity = {
        "method": "Sobol total-order index",
        "target": "broadened minus security-only (trust deficit)",
        "items": [
            {
                "parameter": f"param_{k}",
                "outcome": outcome,
                "index": 0.1 * k,
                "interval": {"low": 0.08 * k, "high": 0.12 * k, "level": 0.9},
                "flips_sign": k > 4 and outcome == "rupture",
            }
            for k in range(1, 7)
            for outcome in ("trust_deficit", "rupture")
        ],
        "conditions": ["Synthetic condition: param_5 decides rupture."],
    }
    result.answer = {
        "statement": "Synthetic answer: broadening lowers the trust deficit in most runs.",
        "verdict": "broaden",
        "estimate": {
            "name": "trust deficit, broadened minus security-only",
            "value": -0.12,
            "interval": {"low": -0.25, "high": 0.02, "level": 0.9},
            "unit": "share",
        },
        "probability": 0.87,
        "outcomes": [
            {
                "outcome": "trust_deficit",
                "p_better": 0.87,
                "p_interval": {"low": 0.8, "high": 0.93, "level": 0.9},
                "difference": -0.12,
                "difference_interval": {"low": -0.25, "high": 0.02, "level": 0.9},
                "verdict": "likely better",
            }
        ],
        "conditions": ["Synthetic condition one.", "Synthetic condition two."],
        "caveats": ["Synthetic caveat."],
    }
    result.stages = [StageOutcome(s.name, s.title, "ok", None, 0.1) for s in STAGES]
    _add_panel(result, seed)
    result.sources = collect_sources(result)
    result.seconds = 1.0
    return result


def _add_panel(result: StudyResult, seed: int) -> None:
    """The comparative stage's evidence, from a small synthetic panel."""
    from bilat.events import EventStore
    from bilat.panel.synthetic import synthetic_panel
    from bilat.study.comparative import compare_partners
    from bilat.study.stages import Context

    panel = synthetic_panel(30, (1980, 2001), seed=seed).panel
    with EventStore(":memory:") as store:
        compare_partners(Context(result=result, store=store, scratch={"panel": panel}))


_CACHE: dict[str, Any] = {}


def shared_fake() -> StudyResult:
    """One synthetic result per test process (callers must not mutate it)."""
    if "result" not in _CACHE:
        _CACHE["result"] = fake_result()
    result: StudyResult = _CACHE["result"]
    return result


def shared_study_dir() -> Path:
    """One folder per test process with the synthetic result's report and answer.json."""
    if "dir" not in _CACHE:
        from bilat.events import EventStore
        from bilat.report import write_report
        from bilat.study.output import OutputFolder
        from bilat.study.stages import Context, write_answer

        folder = Path(tempfile.mkdtemp(prefix="bilat-report-"))
        atexit.register(shutil.rmtree, folder, True)
        result = copy.deepcopy(shared_fake())
        result.out = folder
        output = OutputFolder(folder)
        write_report(result, folder, folder=output)
        with EventStore(":memory:") as store:
            write_answer(Context(result=result, store=store, output=output))
        _CACHE["dir"] = folder
    folder: Path = _CACHE["dir"]
    return folder
