"""Layers for table columns: categories (text or whole numbers) and ranges of numbers turned
into what a network can use, inside the model so that the saved model takes raw values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from netdesigner.core.errors import LayerError, ProblemCode
from netdesigner.core.layers.encoding import encoded, one_hot, one_value_per_sample, output_mode, per_sample
from netdesigner.core.params import ParamKind, ParamSpec
from netdesigner.core.shapes import fmt
from netdesigner.core.spec import LayerSpec, Outcome, Shape
from netdesigner.core.takes import Takes

SPECS: list[LayerSpec] = []  # this module's catalog entries, in palette order

LOOKUP_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
BIN_MODES = ("int", "one_hot", "multi_hot", "count")


def _vocabulary_size(layer: str, p: Mapping[str, Any]) -> int:
    """How long a lookup's output vectors are: max_tokens when padded, else the vocabulary
    size, which is known before training only where the graph fixes it."""
    if p["pad_to_max_tokens"]:
        return _max_tokens(layer, p)
    size, reserved, most = p["vocabulary_size"], p["num_oov_indices"], p["max_tokens"]
    if size is None:
        raise LayerError(
            f"{layer} with output_mode={p['output_mode']!r} outputs one entry per vocabulary word, and "
            "the vocabulary is only learned from the data when training starts, so its size is unknown now",
            "set max_tokens and tick pad_to_max_tokens (the output then has max_tokens entries; unused ones "
            "stay 0), or set vocabulary_size to the number of entries the training data will give",
            code=ProblemCode.PARAM,
        )
    if size <= reserved or (most is not None and size > most):
        raise LayerError(
            f"{layer}: a vocabulary_size of {size} does not fit "
            + (f"max_tokens {most}" if size > reserved else f"{reserved} out-of-vocabulary entries and a value"),
            f"vocabulary_size counts the out-of-vocabulary entries and every value: choose from {reserved + 1}"
            + (f" to {most}" if most is not None else ""),
            code=ProblemCode.PARAM,
        )
    return size


def _max_tokens(layer: str, p: Mapping[str, Any]) -> int:
    if p["max_tokens"] is None:
        raise LayerError(f"{layer} pads to max_tokens, which is not set", "set max_tokens", code=ProblemCode.PARAM)
    return p["max_tokens"]


def _lookup(layer: str):
    def rule(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
        (x,) = inputs
        mode = p["output_mode"]
        if mode == "int":
            if p["pad_to_max_tokens"]:
                _max_tokens(layer, p)  # Keras refuses padding to no size in every mode
            return Outcome(x)
        return Outcome(encoded(layer, mode, x, _vocabulary_size(layer, p)))

    return rule


def _lookup_values(p: Mapping[str, Any]) -> int | None:
    """A vocabulary size fixed in the graph needs exactly that many values in the data (the
    out-of-vocabulary entries aside)."""
    if p["output_mode"] == "int" or p["pad_to_max_tokens"] or p["vocabulary_size"] is None:
        return None
    return int(p["vocabulary_size"]) - int(p["num_oov_indices"])


def _lookup_params(extra: tuple[ParamSpec, ...] = ()) -> tuple[ParamSpec, ...]:
    return (
        output_mode("int", LOOKUP_MODES),
        ParamSpec(
            "max_tokens",
            ParamKind.INT,
            None,
            "largest vocabulary, out-of-vocabulary entries included: the most frequent values are kept",
            minimum=2,
            maximum=10_000_000,
            nullable=True,
            empty="no limit",
        ),
        ParamSpec(
            "pad_to_max_tokens",
            ParamKind.BOOL,
            False,
            "make vectors max_tokens long whatever the vocabulary learned (fixes the output size)",
        ),
        ParamSpec(
            "num_oov_indices",
            ParamKind.INT,
            1,
            "entries for values not seen in training (out of vocabulary)",
            minimum=0,
            maximum=1_000,
        ),
        *extra,
        ParamSpec(
            "vocabulary_size",
            ParamKind.INT,
            None,
            "the vocabulary size the data will give, fixing the output size before training "
            "(Keras saves it in models whose lookups were adapted before use)",
            minimum=1,
            maximum=10_000_000,
            nullable=True,
            empty="learned when training starts",
        ),
    )


_SIZE_DOC = (
    " With one_hot, multi_hot, count or tf_idf the output has one entry per vocabulary word, a "
    "number known only once the data is seen: set max_tokens and pad_to_max_tokens to fix it."
)

SPECS.append(
    LayerSpec(
        type="StringLookup",
        category="Preprocessing",
        summary="turn text categories into indices or one-hot vectors",
        doc="Turns text categories ('red', 'green', ...) into numbers a network can use: an index "
        "per category, or a one-hot vector for Dense layers. Its vocabulary is learned from the "
        "training data before training starts (Keras's adapt()); values never seen there share "
        "the out-of-vocabulary index. Feed it an Input with dtype string." + _SIZE_DOC,
        params=_lookup_params(),
        rule=_lookup("StringLookup"),
        keras_class="StringLookup",
        takes=Takes(text=True, only_text=True, tensorflow=True, values=_lookup_values),
        key_params=("output_mode",),
        adapts=True,
    )
)

SPECS.append(
    LayerSpec(
        type="IntegerLookup",
        category="Preprocessing",
        summary="turn whole-number categories into indices or one-hot vectors",
        doc="Turns whole-number categories (codes such as 3, 17, 205) into consecutive indices "
        "or one-hot vectors. Its vocabulary is learned from the training data before training "
        "starts (Keras's adapt()); codes never seen there share the out-of-vocabulary index." + _SIZE_DOC,
        params=_lookup_params(
            (
                ParamSpec(
                    "mask_token",
                    ParamKind.INT,
                    None,
                    "a code meaning 'no value' (padding): index 0, or left out of vectors",
                    minimum=-(2**63),
                    maximum=2**63 - 1,
                    nullable=True,
                    empty="none",
                ),
            )
        ),
        rule=_lookup("IntegerLookup"),
        keras_class="IntegerLookup",
        takes=Takes(tensorflow=True, values=_lookup_values),
        key_params=("output_mode",),
        adapts=True,
    )
)


def _category_encoding(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    return Outcome(encoded("CategoryEncoding", p["output_mode"], x, p["num_tokens"]))


SPECS.append(
    LayerSpec(
        type="CategoryEncoding",
        category="Preprocessing",
        summary="turn whole numbers 0..n-1 into one-hot vectors",
        doc="Turns whole numbers from 0 to num_tokens - 1 into one-hot vectors (one_hot), or "
        "marks which of them a sample holds (multi_hot, count). Nothing is learned: use it on "
        "codes that already start at 0, or after Hashing.",
        params=(
            ParamSpec(
                "num_tokens",
                ParamKind.INT,
                10,
                "how many different values (largest value + 1)",
                minimum=1,
                maximum=10_000_000,
                required=True,
            ),
            output_mode("multi_hot", ("one_hot", "multi_hot", "count")),
        ),
        rule=_category_encoding,
        keras_class="CategoryEncoding",
        takes=Takes(values=lambda p: p["num_tokens"]),
        key_params=("num_tokens", "output_mode"),
    )
)


def _hashing(p: Mapping[str, Any], inputs: Sequence[Shape]) -> Outcome:
    (x,) = inputs
    mode, bins = p["output_mode"], p["num_bins"]
    if mode == "int":
        return Outcome(x)
    if mode != "one_hot":
        return Outcome(per_sample("Hashing", mode, x, bins))
    one_value_per_sample("Hashing", mode, x, bins)
    if x[-1] != 1:
        raise LayerError(
            f"Hashing with output_mode='one_hot' needs a last axis of size 1, e.g. (None, 1), not {fmt(x)}: "
            "Keras declares a shape it does not compute",
            "give the Input the shape (1,), or hash with output_mode='int' and add a CategoryEncoding "
            "with output_mode='one_hot'",
            code=ProblemCode.PARAM,
        )
    return Outcome(one_hot(x, bins))


SPECS.append(
    LayerSpec(
        type="Hashing",
        category="Preprocessing",
        summary="sort text or numbers into a fixed number of buckets",
        doc="Sorts every value (text or whole numbers) into one of num_bins buckets by hashing it, "
        "with no vocabulary to learn: for categories with many or unforeseen values (postcodes, "
        "user ids). Different values may share a bucket. Follow it with CategoryEncoding "
        "(one_hot) or an Embedding.",
        params=(
            ParamSpec("num_bins", ParamKind.INT, 16, "number of buckets", minimum=1, maximum=10_000_000, required=True),
            output_mode("int", BIN_MODES),
            ParamSpec(
                "salt",
                ParamKind.INTS,
                None,
                "two numbers that change the hashing (a stronger hash); one number is used twice",
                length=2,
                minimum=0,
                maximum=2**63 - 1,
                nullable=True,
                empty="plain hash",
            ),
        ),
        rule=_hashing,
        keras_class="Hashing",
        takes=Takes(text=True, tensorflow=True),
        key_params=("num_bins",),
    )
)
