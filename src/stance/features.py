"""TF-IDF feature steps that give scikit-learn's matrices, bit for bit, several times faster.

Profiling ``stance predict`` showed 85% of its time in Python work per character n-gram: a
statement has about 750 of them, each generated and looked up one at a time. Two facts make most
of that work avoidable without changing a single number:

- ``char_wb`` n-grams never cross a space, so a text's character counts are the sum of its
  words' counts. :class:`CachedTfidfVectorizer` works out each distinct word's n-gram ids once
  (kept across calls, so across the chunks of a stream) and gets a whole chunk's counts as one
  sparse product: (texts × words) @ (words × n-grams).
- The word and character parts of a union normalise the same text the same way:
  :class:`TextFeatureUnion` normalises once and hands both parts the result.

Fitting is scikit-learn's own code, so the vocabulary and idf weights are exactly those of a
:class:`~sklearn.feature_extraction.text.TfidfVectorizer`; ``transform`` is proved equal to
scikit-learn's in the tests (Turkish dotted and dotless i, punctuation, empty text, long and
unseen words). A model file stores the vocabulary as one array of terms instead of a JSON object
per term, which is what made model files large and slow to load.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.utils._sparse import _align_api_if_sparse
from sklearn.utils.validation import check_is_fitted

#: The per-word cache is emptied when it would grow past this many words, so memory stays
#: bounded on a stream with an open vocabulary (about 100 bytes per cached word).
MAX_CACHED_WORDS = 500_000
#: Joins the vocabulary's terms into one string in a model file; no normalised term holds it.
_TERM_SEPARATOR = "\x00"


def char_wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """The char_wb n-grams of one word (no whitespace in it), exactly as scikit-learn's
    ``_char_wb_ngrams`` makes them: the word padded with a space each side, every n-gram of each
    length, and a word no longer than ``n`` once, whole, after which longer n-grams stop."""
    padded = f" {word} "
    length = len(padded)
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        if length <= n:
            grams.append(padded)
            break
        grams.extend([padded[i : i + n] for i in range(length - n + 1)])
    return grams


class CachedTfidfVectorizer(TfidfVectorizer):
    """A :class:`~sklearn.feature_extraction.text.TfidfVectorizer` with a fast, exact transform.

    Same parameters, same fit, same output. For ``analyzer="char_wb"`` the counts come from a
    cache of each word's n-gram ids; for ``analyzer="word"`` from one pass over the already
    normalised text. Other analyzers (and file inputs) use scikit-learn's transform unchanged.

    Examples
    --------
    >>> vectorizer = CachedTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3))
    >>> vectorizer.fit(["war and peace", "peace talks"]).transform(["peace now"]).shape
    (1, 36)
    """

    # --- fitting resets the cache (the vocabulary changes) ---------------------------------

    def fit(self, raw_documents: Iterable[str], y: Any = None) -> CachedTfidfVectorizer:
        self._word_cache = {}
        return super().fit(raw_documents, y)

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> Any:
        self._word_cache = {}
        return super().fit_transform(raw_documents, y)

    # --- transform ----------------------------------------------------------------------------

    def _fast_path(self) -> bool:
        return self.input == "content" and self.analyzer in ("word", "char_wb")

    def preprocess(self, raw_documents: Iterable[str]) -> list[str]:
        """The documents decoded and normalised exactly as this vectoriser's analyzer does."""
        decode, preprocess = self.decode, self.build_preprocessor()
        return [preprocess(decode(doc)) for doc in raw_documents]

    def transform(self, raw_documents: Iterable[str]) -> Any:
        """TF-IDF matrix of ``raw_documents``, equal to scikit-learn's."""
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        if not self._fast_path():
            return super().transform(raw_documents)
        return self.transform_preprocessed(self.preprocess(raw_documents))

    def transform_preprocessed(self, documents: Sequence[str]) -> Any:
        """TF-IDF matrix of documents already passed through :meth:`preprocess`."""
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        return self._tfidf.transform(self.count_preprocessed(documents), copy=False)

    def count_preprocessed(self, documents: Sequence[str]) -> Any:
        """The n-gram count matrix (before TF-IDF weighting) of preprocessed documents, equal to
        scikit-learn's ``CountVectorizer.transform``."""
        self._check_vocabulary()
        counts = (
            self._char_wb_counts(documents)
            if self.analyzer == "char_wb"
            else self._word_counts(documents)
        )
        if self.binary:
            counts.data.fill(1)
        return _align_api_if_sparse(counts)

    def _word_counts(self, documents: Sequence[str]) -> sp.csr_array:
        """Counts of word n-grams: tokens by scikit-learn's tokenizer, then every n-gram of the
        chunk identified by integer ids, so each distinct n-gram is joined and looked up once."""
        tokenize, vocabulary = self.build_tokenizer(), self.vocabulary_
        stop_words = self.get_stop_words()
        tokens_per_document = [tokenize(document) for document in documents]
        if stop_words is not None:
            tokens_per_document = [
                [t for t in tokens if t not in stop_words] for tokens in tokens_per_document
            ]
        all_tokens = [token for tokens in tokens_per_document for token in tokens]
        token_ids, distinct = pd.factorize(pd.Series(all_tokens, dtype=object), sort=False)
        token_ids = token_ids.astype(np.int64)
        document_of = np.repeat(
            np.arange(len(documents), dtype=np.int64),
            [len(tokens) for tokens in tokens_per_document],
        )
        rows, columns = [], []
        min_n, max_n = self.ngram_range
        for n in range(min_n, max_n + 1):
            starts = np.arange(max(len(all_tokens) - n + 1, 0), dtype=np.int64)
            starts = starts[document_of[starts] == document_of[starts + n - 1]] if n > 1 else starts
            if not len(starts):
                continue
            keys = token_ids[starts]
            for k in range(1, n):  # a pair of ids -> one id, n-1 times
                keys, _ = pd.factorize(keys * len(distinct) + token_ids[starts + k])
            ngram_ids, distinct_ngrams = pd.factorize(keys, sort=False)
            first = np.empty(len(distinct_ngrams), dtype=np.int64)  # an occurrence of each
            first[ngram_ids] = starts
            names = [" ".join(all_tokens[start : start + n]) for start in first.tolist()]
            ids = np.fromiter(
                (vocabulary.get(name, -1) for name in names), dtype=np.int64, count=len(names)
            )[ngram_ids]
            known = ids >= 0
            rows.append(document_of[starts[known]])
            columns.append(ids[known])
        row = np.concatenate(rows) if rows else np.empty(0, np.int64)
        column = np.concatenate(columns) if columns else np.empty(0, np.int64)
        counts = sp.coo_array(
            (np.ones(len(row), dtype=np.int64), (row, column)),
            shape=(len(documents), len(vocabulary)),
        ).tocsr()
        return self._count_matrix(counts.data, counts.indices, counts.indptr, len(documents))

    def _char_wb_counts(self, documents: Sequence[str]) -> sp.csr_array:
        """Counts of char_wb n-grams as (documents × words) @ (words × n-grams)."""
        words_per_document = [document.split() for document in documents]
        all_words = [word for words in words_per_document for word in words]
        word_ids, distinct = pd.factorize(pd.Series(all_words, dtype=object), sort=False)
        lengths = np.fromiter(
            map(len, words_per_document), dtype=np.int64, count=len(words_per_document)
        )
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        document_words = sp.csr_array(
            (np.ones(len(all_words), dtype=np.int64), word_ids.astype(np.int64), indptr),
            shape=(len(documents), len(distinct)),
        )
        document_words.sum_duplicates()
        word_ngrams = self._word_ngram_matrix(list(distinct))
        counts = (document_words @ word_ngrams).tocsr()  # sorted in _count_matrix
        return self._count_matrix(counts.data, counts.indices, counts.indptr, len(documents))

    def _word_ngram_matrix(self, words: list[str]) -> sp.csr_array:
        """One row per (distinct) word: how often each vocabulary n-gram occurs in it.

        Rows come from the per-word cache; the words not in it yet are counted together, in one
        sparse build, and cached."""
        cache = getattr(self, "_word_cache", None)
        if cache is None or len(cache) + len(words) > MAX_CACHED_WORDS:
            cache = self._word_cache = {}
        new = [word for word in words if word not in cache]
        if new:
            self._cache_words(new, cache)
        rows = [cache[word] for word in words]
        lengths = np.fromiter((len(ids) for ids, _ in rows), dtype=np.int64, count=len(rows))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        indices = np.concatenate([ids for ids, _ in rows]) if rows else np.empty(0, np.int64)
        counts = np.concatenate([c for _, c in rows]) if rows else np.empty(0, np.int64)
        return sp.csr_array((counts, indices, indptr), shape=(len(words), len(self.vocabulary_)))

    def _cache_words(self, words: list[str], cache: dict[str, tuple[Any, Any]]) -> None:
        """Count the vocabulary n-grams of ``words`` (distinct, none cached) and cache them."""
        get, (min_n, max_n) = self.vocabulary_.get, self.ngram_range
        owners: list[int] = []
        ids: list[int] = []
        for number, word in enumerate(words):
            found = [i for i in map(get, char_wb_ngrams(word, min_n, max_n)) if i is not None]
            ids.extend(found)
            owners.extend([number] * len(found))
        matrix = sp.coo_array(
            (
                np.ones(len(ids), dtype=np.int64),
                (np.asarray(owners, dtype=np.int64), np.asarray(ids, dtype=np.int64)),
            ),
            shape=(len(words), len(self.vocabulary_)),
        ).tocsr()  # sums repeated n-grams
        matrix.sort_indices()
        bounds = matrix.indptr.tolist()
        for number, word in enumerate(words):
            start, stop = bounds[number], bounds[number + 1]
            cache[word] = (matrix.indices[start:stop], matrix.data[start:stop])

    def _count_matrix(
        self, values: Any, indices: Any, indptr: Any, n_documents: int
    ) -> sp.csr_array:
        """A count matrix with the dtypes and sorted layout scikit-learn's ``_count_vocab``
        gives, so the TF-IDF step downstream sees identical input."""
        index_dtype = np.int32 if len(indices) <= np.iinfo(np.int32).max else np.int64
        matrix = sp.csr_array(
            (
                np.asarray(values, dtype=self.dtype),
                np.asarray(indices, dtype=index_dtype),
                np.asarray(indptr, dtype=index_dtype),
            ),
            shape=(n_documents, len(self.vocabulary_)),
            dtype=self.dtype,
        )
        matrix.sort_indices()
        return matrix

    # --- saving: the vocabulary as one array, no cache ----------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())  # object.__getstate__ gives __dict__ itself
        state.pop("_word_cache", None)
        state.pop("_stop_words_id", None)  # id() of the stop-word list: differs per process
        vocabulary = state.get("vocabulary_")
        if isinstance(vocabulary, dict) and not any(_TERM_SEPARATOR in t for t in vocabulary):
            terms = sorted(vocabulary, key=vocabulary.__getitem__)
            if [vocabulary[t] for t in terms] == list(range(len(terms))):
                del state["vocabulary_"]
                state["_vocabulary_terms"] = np.frombuffer(
                    _TERM_SEPARATOR.join(terms).encode("utf-8"), dtype=np.uint8
                ).copy()
                state["_vocabulary_size"] = len(terms)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if "_vocabulary_terms" in state:
            joined = np.asarray(state.pop("_vocabulary_terms"), dtype=np.uint8).tobytes()
            size = int(state.pop("_vocabulary_size"))
            terms = joined.decode("utf-8").split(_TERM_SEPARATOR) if size else []
            if len(terms) != size:
                raise ValueError(f"vocabulary holds {len(terms)} terms, expected {size}")
            state["vocabulary_"] = dict(zip(terms, range(size), strict=True))
        super().__setstate__(state)


class TextFeatureUnion(FeatureUnion):
    """A :class:`~sklearn.pipeline.FeatureUnion` of vectorisers that normalises each text once.

    When every part is a :class:`CachedTfidfVectorizer` with the same preprocessing, the text
    is decoded and normalised once and each part counts its n-grams from that; otherwise it is
    scikit-learn's union. Same parameters, feature names and output as the union it extends.
    """

    def transform(self, X: Any, **params: Any) -> Any:
        parts = [part for _, part in self.transformer_list if part not in ("drop", "passthrough")]
        vectorizers = [part for part in parts if _shares_normalisation(part)]
        shared = (
            not params
            and self.transformer_weights is None
            and vectorizers
            and len({_preprocessing_key(p) for p in vectorizers}) == 1
            and len(parts) == len(self.transformer_list)
        )
        if not shared or isinstance(X, str):
            return super().transform(X, **params)
        check_is_fitted(self)
        documents = vectorizers[0].preprocess(X)
        return self._hstack(
            [
                part.transform_preprocessed(documents)
                if _shares_normalisation(part)
                else part.transform(X)
                for part in parts
            ]
        )


def _shares_normalisation(part: Any) -> bool:
    """Whether a union part can take text normalised once for all such parts."""
    return isinstance(part, CachedTfidfVectorizer) and part._fast_path()


class KeywordCueCounts(TransformerMixin, BaseEstimator):
    """Two columns beside the n-grams: how many opposition cues and how many support cues of the
    keyword rule (:data:`stance.baselines.KEYWORD_CUES`, written from the guidelines) a text
    holds, capped at 3 and scaled to ``weight``.

    With few side-taking examples, an n-gram model cannot learn that a rare phrase such as
    "kiev rejimi" signals support; the cue counts let it learn one weight per side for the
    whole list. Stateless: ``fit`` learns nothing.
    """

    def __init__(self, lang: str = "en", weight: float = 3.0) -> None:
        self.lang = lang
        self.weight = weight

    def fit(self, X: Any, y: Any = None) -> KeywordCueCounts:
        from stance.baselines import KEYWORD_CUES

        if self.lang not in KEYWORD_CUES:
            raise ValueError(f"no keyword cues for language {self.lang!r}")
        self.n_features_in_ = 1
        return self

    def transform(self, X: Any) -> sp.csr_matrix:
        from stance.baselines import KEYWORD_CUES
        from stance.text import lowercase

        check_is_fitted(self)
        cue_lists = KEYWORD_CUES[self.lang]
        counts = np.array(
            [
                [sum(cue in lowered for cue in cues) for cues in cue_lists]
                for lowered in (lowercase(str(text), self.lang) for text in X)
            ],
            dtype=float,
        ).reshape(-1, len(cue_lists))
        return sp.csr_matrix(np.minimum(counts, 3.0) / 3.0 * self.weight)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array(["opposition cues", "support cues"], dtype=object)


def _preprocessing_key(vectorizer: CachedTfidfVectorizer) -> tuple[Any, ...]:
    """What decides how a vectoriser decodes and normalises text (two equal keys normalise
    every document identically)."""
    custom = vectorizer.preprocessor
    if custom is not None:
        try:
            hash(custom)
        except TypeError:
            custom = id(custom)
    return (
        vectorizer.input,
        vectorizer.encoding,
        vectorizer.decode_error,
        custom,
        None if custom is not None else (vectorizer.lowercase, vectorizer.strip_accents),
    )


# --- cross-validation: every feature step of a grid from the fewest fits --------------------

_DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


def _sliceable(vectorizer: BaseEstimator) -> bool:
    """Whether this vectoriser's counts are a column subset of the same vectoriser's counts
    with a larger n-gram range (same lower end): true for char_wb n-grams and for word n-grams
    of the default tokenizer, when no document-frequency limit or fixed vocabulary applies."""
    if not (isinstance(vectorizer, CachedTfidfVectorizer) and vectorizer._fast_path()):
        return False
    word_ok = vectorizer.analyzer == "char_wb" or (
        vectorizer.tokenizer is None and vectorizer.token_pattern == _DEFAULT_TOKEN_PATTERN
    )
    return (
        word_ok
        and vectorizer.vocabulary is None
        and vectorizer.max_features is None
        and vectorizer.min_df == 1
        and vectorizer.max_df == 1.0
    )


def _family(vectorizer: BaseEstimator) -> tuple[str, int]:
    """Vectorisers of one family differ only in the upper end of their n-gram range."""
    params = {k: v for k, v in vectorizer.get_params().items() if k != "ngram_range"}
    return repr(sorted(params.items())), vectorizer.ngram_range[0]


def _parts(step: BaseEstimator) -> list[BaseEstimator]:
    if isinstance(step, FeatureUnion):
        return [part for _, part in step.transformer_list]
    return [step]


def _keep_columns(matrix: Any, keep: np.ndarray) -> Any:
    """The columns ``keep`` of a CSR matrix with each row's entries in their original order
    (scikit-learn's training matrices are not sorted by column, and the order of a row's
    entries decides the last bits of its norm)."""
    kept_entries = keep[matrix.indices]
    new_column = np.cumsum(keep) - 1
    ends = np.concatenate([[0], np.cumsum(kept_entries)])
    return type(matrix)(
        (
            matrix.data[kept_entries],
            new_column[matrix.indices[kept_entries]].astype(matrix.indices.dtype),
            ends[matrix.indptr].astype(matrix.indptr.dtype),
        ),
        shape=(matrix.shape[0], int(keep.sum())),
    )


class _FamilyCounts:
    """One fold's counts for the widest vectoriser of a family, fitted once."""

    def __init__(
        self,
        vectorizer: CachedTfidfVectorizer,
        max_n: int,
        train: Sequence[str],
        validation: Sequence[str],
    ) -> None:
        widest = clone(vectorizer).set_params(ngram_range=(vectorizer.ngram_range[0], max_n))
        widest._check_params()
        # scikit-learn's own counting, so the training matrix has its exact layout
        self.train = CountVectorizer.fit_transform(widest, train)
        self.validation = widest.count_preprocessed(widest.preprocess(validation))
        terms = sorted(widest.vocabulary_, key=widest.vocabulary_.__getitem__)
        self.sizes = np.fromiter(
            (len(t) if widest.analyzer == "char_wb" else t.count(" ") + 1 for t in terms),
            dtype=np.int64,
            count=len(terms),
        )

    def counts(self, max_n: int) -> tuple[Any, Any]:
        keep = self.sizes <= max_n
        if keep.all():
            return self.train.copy(), self.validation.copy()
        return _keep_columns(self.train, keep), _keep_columns(self.validation, keep)


def fold_feature_matrices(
    steps: Sequence[BaseEstimator], train: Sequence[str], validation: Sequence[str]
) -> list[tuple[Any, Any]]:
    """Training and validation matrices of each (unfitted) feature step for one fold.

    Each pair equals ``clone(step).fit_transform(train)`` and that fitted step's
    ``transform(validation)``, array for array, but a family of vectorisers that differ only
    in the upper end of their n-gram range (word 1–1 and 1–2; char 2–4 and 2–5; the parts of a
    union) is fitted once, at its widest range, and the others are sliced from it. This is what
    makes a grid search's feature work per fold two fits instead of one per candidate.

    Parameters
    ----------
    steps
        Feature steps: :class:`CachedTfidfVectorizer`, a :class:`~sklearn.pipeline.FeatureUnion`
        of them, or any transformer (fitted separately).
    train, validation
        The fold's texts.

    Returns
    -------
    list of (train_matrix, validation_matrix), one per step.
    """
    widest: dict[tuple[str, int], int] = {}
    for step in steps:
        for part in _parts(step):
            if _sliceable(part):
                family = _family(part)
                widest[family] = max(widest.get(family, 0), part.ngram_range[1])
    families: dict[tuple[str, int], _FamilyCounts] = {}

    def matrices(part: BaseEstimator) -> tuple[Any, Any]:
        if not _sliceable(part):
            fitted = clone(part)
            return fitted.fit_transform(train), fitted.transform(validation)
        family = _family(part)
        if family not in families:
            families[family] = _FamilyCounts(part, widest[family], train, validation)
        train_counts, validation_counts = families[family].counts(part.ngram_range[1])
        tfidf = TfidfTransformer(
            norm=part.norm,
            use_idf=part.use_idf,
            smooth_idf=part.smooth_idf,
            sublinear_tf=part.sublinear_tf,
        )
        tfidf.fit(train_counts)
        return (
            tfidf.transform(train_counts, copy=False),
            tfidf.transform(validation_counts, copy=False),
        )

    result = []
    for step in steps:
        if isinstance(step, FeatureUnion) and (
            step.transformer_weights is not None
            or any(isinstance(part, str) for part in _parts(step))
        ):
            fitted = clone(step)
            result.append((fitted.fit_transform(train), fitted.transform(validation)))
            continue
        blocks = [matrices(part) for part in _parts(step)]
        if isinstance(step, FeatureUnion):
            result.append(
                (step._hstack([b[0] for b in blocks]), step._hstack([b[1] for b in blocks]))
            )
        else:
            result.append(blocks[0])
    return result
