"""Small standard models from keras.io, written in Keras, saved, imported, checked against
Keras layer by layer, rebuilt with identical configs, exported, and trained for one epoch by
the CLI and by the exported script (issue 11's "done means", for the models netdesigner can
represent so far)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from netdesigner.cli import main
from netdesigner.core import infer
from netdesigner.core.fileformat import save
from tests.model_configs import assert_same_model
from tests.test_export import RUNNER

keras = pytest.importorskip("keras")
from netdesigner.backend.builder import build_model  # noqa: E402
from netdesigner.backend.export import ExportOptions, export_script  # noqa: E402
from netdesigner.backend.importer import ModelImportError, import_model  # noqa: E402

layers = keras.layers


def transformer_block() -> keras.Model:
    """keras.io's text classification with a Transformer, at toy size."""
    tokens = keras.Input((12,), name="tokens")
    x = layers.Embedding(50, 8, name="embed")(tokens)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(x, x)
    x = layers.LayerNormalization(epsilon=1e-6, name="norm1")(layers.Add(name="res1")([x, attended]))
    ffn = layers.Dense(8, name="ffn_out")(layers.Dense(16, activation="relu", name="ffn_in")(x))
    x = layers.LayerNormalization(axis=[-1], epsilon=1e-6, name="norm2")(layers.Add(name="res2")([x, ffn]))
    x = layers.Dropout(0.1, name="drop")(layers.GlobalAveragePooling1D(name="pool")(x))
    return keras.Model(tokens, layers.Dense(2, activation="softmax", name="out")(x))


def query_value_attention() -> keras.Model:
    """The Attention layer's own example: a CNN over query and value token sequences."""
    query_in, value_in = keras.Input((10,), name="query_tokens"), keras.Input((14,), name="value_tokens")
    embed_q, embed_v = layers.Embedding(40, 6, name="embed_q"), layers.Embedding(40, 6, name="embed_v")
    query = layers.Conv1D(5, 3, padding="same", name="conv_q")(embed_q(query_in))
    value = layers.Conv1D(5, 3, padding="same", name="conv_v")(embed_v(value_in))
    attended = layers.Attention(name="attention")([query, value])
    pooled_q = layers.GlobalAveragePooling1D(name="pool_q")(query)
    pooled_a = layers.GlobalAveragePooling1D(name="pool_a")(attended)
    joined = layers.Concatenate(name="join")([pooled_q, pooled_a])
    return keras.Model([query_in, value_in], layers.Dense(1, activation="sigmoid", name="out")(joined))


def video_classifier() -> keras.Model:
    """A small Conv3D classifier of clips (frames, height, width, channels)."""
    clip = keras.Input((4, 12, 12, 1), name="clip")
    x = layers.Conv3D(4, 3, padding="same", activation="relu", name="conv1")(clip)
    x = layers.MaxPooling3D((1, 2, 2), name="pool1")(x)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.Conv3D(6, (2, 3, 3), name="conv2")(x)
    x = layers.GlobalAveragePooling3D(name="gap")(x)
    return keras.Model(clip, layers.Dense(3, activation="softmax", name="out")(x))


def text_cnn() -> keras.Model:
    """keras.io's text classification from scratch: token ids of any length, strided Conv1D."""
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    x = layers.Embedding(100, 8, name="embed")(tokens)
    for i in range(3):
        x = layers.Conv1D(8, 5, strides=2, activation="relu", name=f"conv{i}")(x)
    x = layers.GlobalMaxPooling1D(name="pool")(x)
    return keras.Model(tokens, layers.Dense(1, activation="sigmoid", name="out")(x))


def siamese() -> keras.Model:
    """Two inputs through one encoder (its layers called twice), compared by a head."""
    left, right = keras.Input((16,), name="left"), keras.Input((16,), name="right")
    hidden, embed = layers.Dense(8, activation="relu", name="hidden"), layers.Dense(4, name="embed")
    joined = layers.Subtract(name="diff")([embed(hidden(left)), embed(hidden(right))])
    return keras.Model([left, right], layers.Dense(1, activation="sigmoid", name="same")(joined))


def conv_lstm_forecaster() -> keras.Model:
    """keras.io's next-frame prediction, at toy size: stacked ConvLSTM2D over a clip."""
    clip = keras.Input((None, 8, 8, 1), name="frames")
    x = layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True, name="lstm1")(clip)
    x = layers.ConvLSTM2D(4, (3, 3), padding="same", name="lstm2")(x)
    return keras.Model(clip, layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="next")(x))


def operator_arithmetic() -> keras.Model:
    """Arithmetic written with Python operators, which Keras records as operations."""
    x = keras.Input((6,), name="x")
    hidden = layers.Dense(4, name="hidden")(x)
    return keras.Model(x, layers.Dense(1, name="out")(hidden * 0.5 + 1.0))


def seq2seq_lstm() -> keras.Model:
    """keras.io's character-level sequence-to-sequence: the encoder's final states start the
    decoder (``return_state``, ``initial_state``), at toy size."""
    source, target = keras.Input((6,), name="source_tokens"), keras.Input((5,), name="target_tokens")
    _, state_h, state_c = layers.LSTM(16, return_state=True, name="encoder")(
        layers.Embedding(20, 8, name="source_embed")(source)
    )
    decoded = layers.LSTM(16, return_sequences=True, name="decoder")(
        layers.Embedding(20, 8, name="target_embed")(target), initial_state=[state_h, state_c]
    )
    return keras.Model([source, target], layers.Dense(20, activation="softmax", name="next_token")(decoded))


def bidirectional_lstm_classifier() -> keras.Model:
    """keras.io's bidirectional LSTM on IMDB, at toy size: two stacked Bidirectional LSTMs."""
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    x = layers.Embedding(100, 8, name="embed")(tokens)
    x = layers.Bidirectional(layers.LSTM(6, return_sequences=True), name="bi_1")(x)
    x = layers.Bidirectional(layers.LSTM(6), merge_mode="sum", name="bi_2")(x)
    return keras.Model(tokens, layers.Dense(1, activation="sigmoid", name="out")(x))


def stacked_gru_time_distributed() -> keras.Model:
    """Stacked GRUs over a multivariate series with a Dense applied to every step."""
    series = keras.Input((9, 3), name="series")
    x = layers.GRU(8, return_sequences=True, name="gru_1")(series)
    x = layers.GRU(6, return_sequences=True, dropout=0.1, name="gru_2")(x)
    x = layers.TimeDistributed(layers.Dense(4, activation="relu"), name="per_step")(x)
    return keras.Model(series, layers.TimeDistributed(layers.Dense(1), name="forecast")(x))


def mobilenet_v3_small() -> keras.Model:
    """MobileNetV3Small from keras.applications (no weights): hard-swish written as x + 3.0,
    ReLU(6) and * (1 / 6), squeeze-and-excite blocks, the Rescaling of its own preprocessing."""
    return keras.applications.MobileNetV3Small(input_shape=(64, 64, 3), weights=None, classes=5)


MODELS: dict[str, Callable[[], keras.Model]] = {
    "operator_arithmetic": operator_arithmetic,
    "conv_lstm_forecaster": conv_lstm_forecaster,
    "mobilenet_v3_small": mobilenet_v3_small,
    "siamese": siamese,
    "seq2seq_lstm": seq2seq_lstm,
    "bidirectional_lstm_classifier": bidirectional_lstm_classifier,
    "stacked_gru_time_distributed": stacked_gru_time_distributed,
    "text_cnn": text_cnn,
    "transformer_block": transformer_block,
    "query_value_attention": query_value_attention,
    "video_classifier": video_classifier,
}


def imported(name: str, folder: Path):
    original = MODELS[name]()
    original.compile(optimizer="adam", loss="mse")
    original.save(folder / f"{name}.keras")
    return original, import_model(folder / f"{name}.keras")


@pytest.mark.parametrize("name", MODELS)
def test_model_imports_with_keras_shapes_and_rebuilds_identically(name: str, tmp_path: Path) -> None:
    original, doc = imported(name, tmp_path)
    result = infer(doc.graph)
    assert result.errors() == {}
    for layer in original.layers:
        node = doc.graph.by_name(layer.name)
        outputs = layer.output if isinstance(layer.output, list | tuple) else [layer.output]
        assert result.infos[node.id].shapes == tuple(tuple(t.shape) for t in outputs), layer.name
    assert result.total_params == original.count_params()
    assert_same_model(original, build_model(doc.graph))
    namespace: dict = {}
    script = export_script(doc, ExportOptions())
    exec(compile(script, "exported.py", "exec"), namespace)
    assert_same_model(original, namespace["build_model"]())
    if name == "operator_arithmetic":
        assert re.search(r"(\w+) = hidden \* 0\.5\n +\w+ = \1 \+ 1\.0\n", script)  # Keras numbers the names


@pytest.mark.slow
def test_imported_models_train_one_epoch_in_the_cli_and_their_scripts(tmp_path: Path) -> None:
    scripts = []
    for name in MODELS:
        _, doc = imported(name, tmp_path)
        graph = tmp_path / f"{name}.json"
        save(doc, graph)
        assert main(["train", str(graph), "--epochs", "1", "--out", str(tmp_path / f"run_{name}")]) == 0
        assert main(["export", str(graph), "-o", str(tmp_path / f"{name}.py")]) == 0
        scripts.append(str(tmp_path / f"{name}.py"))
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, *scripts], capture_output=True, text=True, timeout=600, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for script in scripts:
        assert json.loads((Path(script.replace(".py", "")) / "history.json").read_text())["loss"]


def test_stand_in_data_is_long_enough_for_strided_convolutions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three stride-2 convolutions of width 5 need 29 steps: 8 is too short, 32 is the length."""
    _, doc = imported("text_cnn", tmp_path)
    save(doc, tmp_path / "g.json")
    capsys.readouterr()
    assert main(["check", str(tmp_path / "g.json")]) == 0
    assert "sizes left open (None) get 32 steps in stand-in data" in capsys.readouterr().out


def test_every_problem_is_reported_in_one_pass(tmp_path: Path) -> None:
    @keras.saving.register_keras_serializable(package="course")
    class Sampling(layers.Layer):
        def call(self, x):
            return x

    x = keras.Input((8, 8, 3))
    y = layers.Conv2D(4, 3, data_format="channels_first", name="cf")(x)
    y = layers.Lambda(lambda t: t * 2, name="doubler")(layers.Flatten(name="flat")(y))
    y = Sampling(name="sampling")(layers.Dense(4, name="narrow")(y))
    shared = layers.Dense(4, name="shared")
    model = keras.Model(x, keras.ops.cumsum(shared(shared(y)) * 0.5, axis=-1))
    model.save(tmp_path / "m.keras")
    with pytest.raises(ModelImportError) as caught:
        import_model(tmp_path / "m.keras")
    message = str(caught.value)
    assert "cf (Conv2D): netdesigner cannot represent data_format='channels_first'" in message
    assert "doubler: layer class Lambda is not in netdesigner's catalog" in message
    assert "custom layer `Sampling` (sampling) is defined in the model's Python code" in message
    assert "shared" not in message and "Multiply" not in message  # tied nodes; a Math node
    assert "the operation Cumsum (keras.src.ops.numpy) has no netdesigner node yet" in message


def test_custom_regularizer_is_refused_by_name_not_replaced(tmp_path: Path) -> None:
    @keras.saving.register_keras_serializable(package="course")
    class L1(keras.regularizers.Regularizer):
        def __call__(self, weights):
            return 0.01 * keras.ops.sum(keras.ops.abs(weights))

        def get_config(self):
            return {}

    x = keras.Input((4,))
    model = keras.Model(x, layers.Dense(3, kernel_regularizer=L1(), name="d")(x))
    model.save(tmp_path / "m.keras")
    with pytest.raises(ModelImportError) as caught:
        import_model(tmp_path / "m.keras")
    assert "`course>L1` is a custom class defined in the model's Python code" in str(caught.value)


def test_a_large_constant_initializer_is_kept(tmp_path: Path) -> None:
    x = keras.Input((4,))
    bias = keras.initializers.Constant([float(i) for i in range(1024)])
    model = keras.Model(x, layers.Dense(1024, bias_initializer=bias, name="d")(x))
    model.save(tmp_path / "m.keras")
    rebuilt = build_model(import_model(tmp_path / "m.keras").graph)
    assert [float(v) for v in keras.ops.convert_to_numpy(rebuilt.get_layer("d").bias)[:3]] == [0.0, 1.0, 2.0]
    assert_same_model(model, rebuilt)
