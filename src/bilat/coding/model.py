"""An optional event-type model for sentences the dictionaries do not code.

TF-IDF over word unigrams and bigrams, then a multinomial logistic regression
(scikit-learn, CPU, seconds to train) that proposes a CAMEO root (``01`` ..
``20``) with a probability. The coder uses it only where its dictionaries
code nothing in a sentence and only above a confidence threshold; such events
carry ``coder="model"`` and go to the dataset ``coded-model`` (not ``coded``),
so every measure can include or leave them out.

No weights ship with bilat. The model is trained by the user, from gold files
the user has the right to use (``bilat train-coder-model``): the licence of
the trained weights follows the training data, which bilat cannot decide for
them (ConfliBERT's data is GPL-3; PLOVER's gold standard CC BY-SA 4.0; the
PETRARCH suites and the ICEWS codebook examples MIT). The file is plain JSON
(vocabulary, idf, coefficients), never a pickle, so loading one runs no code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilat.errors import FormatError, InputError, MissingExtraError

__all__ = ["FORMAT", "EventTypeModel", "training_rows"]

FORMAT = "bilat-event-type-model/1"


@dataclass
class EventTypeModel:
    """A trained TF-IDF + logistic-regression model of the CAMEO root.

    Use :meth:`train` or :meth:`load`; :meth:`predict` gives ``(root, probability)``.
    """

    vectorizer: Any
    classifier: Any
    trained_on: list[dict[str, Any]] = field(default_factory=list)
    seed: int = 0

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        roots: Sequence[str],
        *,
        seed: int = 0,
        trained_on: list[dict[str, Any]] | None = None,
    ) -> EventTypeModel:
        """Fit the model on sentences and their CAMEO roots (same seed, same model).

        Raises
        ------
        InputError
            With fewer than two roots or twenty sentences.
        MissingExtraError
            When scikit-learn is not installed.
        """
        try:
            from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped,unused-ignore]
            from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped,unused-ignore]
        except ImportError as err:  # pragma: no cover - scikit-learn is in the venv
            raise MissingExtraError("scikit-learn", "ml") from err
        if len(texts) < 20 or len(set(roots)) < 2:
            raise InputError(
                "needs at least 20 sentences of at least 2 roots to train",
                field="training data",
                value=len(texts),
            )
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
        matrix = vectorizer.fit_transform(texts)
        classifier = LogisticRegression(max_iter=2000, C=5.0, random_state=seed)
        classifier.fit(matrix, list(roots))
        return cls(vectorizer, classifier, list(trained_on or []), seed)

    def predict(self, text: str) -> tuple[str, float]:
        """The most probable root of ``text`` and its probability."""
        probs = self.classifier.predict_proba(self.vectorizer.transform([text]))[0]
        best = int(probs.argmax())
        return str(self.classifier.classes_[best]), float(probs[best])

    # -------------------------------------------------------------- storage

    def save(self, path: str | Path) -> Path:
        """Write the model as JSON to ``path`` (refuses to overwrite a file)."""
        path = Path(path)
        if path.exists():
            raise InputError("exists; choose a new file for the model", file=path)
        vocab = {str(k): int(v) for k, v in self.vectorizer.vocabulary_.items()}
        payload = {
            "format": FORMAT,
            "seed": self.seed,
            "trained_on": self.trained_on,
            "vocabulary": vocab,
            "idf": [float(x) for x in self.vectorizer.idf_],
            "classes": [str(c) for c in self.classifier.classes_],
            "coef": [[round(float(x), 6) for x in row] for row in self.classifier.coef_],
            "intercept": [float(x) for x in self.classifier.intercept_],
        }
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> EventTypeModel:
        """Read a model written by :meth:`save`.

        Raises
        ------
        InputError
            When the file is missing or not such a model.
        """
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        path = Path(path)
        if not path.is_file():
            raise InputError("no such model file", file=path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise FormatError("is not a bilat event-type model (not JSON)", file=path) from err
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise FormatError(f"is not a bilat event-type model ({FORMAT})", file=path)
        vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, vocabulary=data["vocabulary"]
        )
        vectorizer.idf_ = np.asarray(data["idf"], dtype=float)
        classifier = LogisticRegression()
        classifier.classes_ = np.asarray(data["classes"])
        classifier.coef_ = np.asarray(data["coef"], dtype=float)
        classifier.intercept_ = np.asarray(data["intercept"], dtype=float)
        return cls(vectorizer, classifier, list(data.get("trained_on", [])), data.get("seed", 0))


def training_rows(paths: Sequence[str | Path]) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Sentences and CAMEO roots from gold files with event codes.

    Reads PETRARCH XML / flat JSONL triples (the root of each record's first
    event; records without events are skipped) and JSONL rows with a
    ``cameo_code`` (the CAMEO codebook examples). Returns texts, roots and a
    description of each file (name, SHA-256, rows used).

    Raises
    ------
    FormatError
        For a file with neither.
    """
    from bilat.coding.evaluate import read_gold

    texts: list[str] = []
    roots: list[str] = []
    described: list[dict[str, Any]] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise InputError("no such training file", file=path)
        before = len(texts)
        with path.open(encoding="utf-8") as handle:
            examples = path.suffix.lower() == ".jsonl" and "cameo_code" in handle.readline()
        if examples:
            with path.open(encoding="utf-8") as handle:
                for n, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                        texts.append(str(row["text"]))
                        roots.append(str(row["cameo_code"])[:2])
                    except (json.JSONDecodeError, KeyError) as err:
                        raise FormatError(
                            "needs 'text' and 'cameo_code'", file=path, line=n
                        ) from err
        else:
            for record in read_gold(path):
                if record.kind != "triples":
                    raise FormatError(
                        "gives no CAMEO codes (train on PETRARCH triples or CAMEO examples)",
                        file=path,
                    )
                codes = [c for _s, _t, c in record.events if c[:2].isdigit()]
                if codes:
                    texts.append(record.text)
                    roots.append(codes[0][:2])
        described.append(
            {
                "file": path.name,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "rows": len(texts) - before,
            }
        )
    return texts, roots, described
