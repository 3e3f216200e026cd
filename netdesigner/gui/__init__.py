"""The editor: PySide6 + NodeGraphQt + matplotlib, a thin view over ``netdesigner.core``.

Gestures become undoable commands on the core graph; the canvas follows the graph's change
events; inference results come back as labels, colours and tooltips.
"""
