"""The shape every exported script must have, checked on its syntax tree.

An exported script may only import Keras, NumPy, argparse (and TensorFlow or PyTorch for the
options that need them), define its own functions and constants, and call names rooted in
those; layer constructors only take keyword arguments the catalog declares. A graph file
therefore cannot put code of its own into the script: any string it holds can only appear as
a constant, and no attribute of a string is ever taken.
"""

from __future__ import annotations

import ast

from netdesigner.core import catalog

MODULES = {"argparse", "csv", "json", "pathlib", "keras", "numpy", "tensorflow", "torch"}
IMPORTED_AS = {"argparse", "csv", "json", "Path", "keras", "np", "tf", "torch", "layers"}
BUILTINS = {"print", "any", "len", "range", "list", "dict", "int", "float", "str", "round", "sorted", "set"}
BUILTINS |= {"enumerate", "open", "SystemExit"}
STATEMENTS = (ast.Expr, ast.Import, ast.ImportFrom, ast.Assign, ast.FunctionDef, ast.If, ast.Return, ast.With)


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _local_names(tree: ast.Module) -> set[str]:
    """Functions, their parameters and every variable the script assigns itself."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
            names.update(a.arg for a in node.args.args)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.comprehension) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _layer_keywords(layer_class: str) -> set[str]:
    allowed = {"name", "dtype"}
    for spec in catalog.all_specs():
        if spec.keras_class == layer_class:
            for param in spec.keras_params:
                allowed.add(param.name)
                allowed.update(param.choices if param.name == "keras_options" else ())
            if spec.to_keras:
                allowed.update(spec.keras_kwargs(spec.defaults()))
    return allowed


def assert_safe_shape(source: str) -> None:
    tree = ast.parse(source)
    local = _local_names(tree)
    for statement in tree.body:
        assert isinstance(statement, STATEMENTS), ast.unparse(statement)[:80]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            assert all(m and m.split(".")[0] in MODULES for m in modules), ast.unparse(node)
        elif isinstance(node, ast.Attribute):
            assert not isinstance(node.value, ast.Constant), f"attribute of a constant: {ast.unparse(node)}"
            assert not node.attr.startswith("__"), ast.unparse(node)
        elif isinstance(node, ast.Call):
            root = _root(node.func)
            assert isinstance(root, ast.Name), f"call on something computed: {ast.unparse(node)[:80]}"
            assert root.id in IMPORTED_AS | BUILTINS | local, f"call of an unknown name: {ast.unparse(node)[:80]}"
            callee = ast.unparse(node.func)
            if isinstance(node.func, ast.Call):  # a new layer called on tensors: only its states by name
                assert {k.arg for k in node.keywords} <= {"initial_state"}, ast.unparse(node)[:80]
            elif callee.startswith("layers."):
                allowed = _layer_keywords(callee.removeprefix("layers."))
                assert {k.arg for k in node.keywords} <= allowed, f"{callee}: {[k.arg for k in node.keywords]}"
        elif isinstance(node, ast.Name):
            assert not node.id.startswith("__") or node.id == "__name__", node.id
