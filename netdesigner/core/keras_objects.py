"""What a layer's initializer, regularizer and constraint arguments may name, declared once:
Keras's own names for them (``"he_normal"``, ``"l2"``, ``"max_norm"``) and the module of the
objects Keras writes for them. A name of another kind ("l2" given as a constraint) or an object
of another module (a ``TFSMLayer`` config, a function to fetch files) passed ``check`` and then
failed in Keras; now the file is refused when it is read. tests/test_keras_objects.py holds
these names equal to what ``keras.initializers.get`` (and the others) accept."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ObjectKind:
    module: str  # where Keras's serialized objects of this kind live
    names: frozenset[str]  # its classes and their short names in Keras's table of this kind
    # names that need arguments (a Constant's value; STFT also needs SciPy): objects only
    objects_only: frozenset[str] = frozenset()

    @property
    def strings(self) -> frozenset[str]:
        """What Keras's ``get`` of this kind accepts as a bare string."""
        return self.names - self.objects_only


KINDS: dict[str, ObjectKind] = {
    "initializer": ObjectKind(
        "keras.initializers",
        frozenset(
            """Constant GlorotNormal GlorotUniform HeNormal HeUniform Identity IdentityInitializer
            LecunNormal LecunUniform Ones Orthogonal OrthogonalInitializer RandomNormal RandomUniform
            STFT STFTInitializer TruncatedNormal VarianceScaling Zeros constant glorot_normal
            glorot_uniform he_normal he_uniform identity lecun_normal lecun_uniform normal one ones
            orthogonal random_normal random_uniform stft truncated_normal uniform variance_scaling
            zero zeros""".split()
        ),
        frozenset("Constant constant STFT STFTInitializer stft".split()),
    ),
    "regularizer": ObjectKind(
        "keras.regularizers", frozenset("L1 L1L2 L2 OrthogonalRegularizer l1 l1l2 l2 orthogonal_regularizer".split())
    ),
    "constraint": ObjectKind(
        "keras.constraints",
        frozenset("MaxNorm MinMaxNorm NonNeg UnitNorm max_norm min_max_norm non_neg unit_norm".split()),
    ),
}


def kind_of(argument: str) -> ObjectKind | None:
    """The kind of a layer argument by its name (``kernel_initializer`` -> initializer)."""
    return KINDS.get(argument.rsplit("_", 1)[-1])


def object_problem(argument: str, value: object) -> str | None:
    """Why ``value`` is not something Keras takes for ``argument``, or None. (Nested config
    data is checked apart, by ``params.config_data_problem``.)"""
    kind = kind_of(argument)
    if kind is None or value is None:
        return None
    what = argument.rsplit("_", 1)[-1]
    if isinstance(value, str):
        if value in kind.strings:
            return None
        if value in kind.objects_only:
            return f"the {what} {value!r} needs arguments: give it as an object with its config"
        return f"Keras has no {what} called {value!r} (some are: {', '.join(sorted(kind.strings)[-4:])})"
    if isinstance(value, dict) and value.get("module") == kind.module and value.get("class_name") in kind.names:
        return None
    return f"it is not one of Keras's {what}s (an object of {kind.module}, or one of their names)"
