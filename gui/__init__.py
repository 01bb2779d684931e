"""The PyQt6 desktop application (turns gestures into pipeline calls, results into pixels)."""
