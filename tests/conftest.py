"""Settings every test package shares. The fixtures only one package uses live in that
package's conftest.py (tests/gui/conftest.py); plain helpers live in tests/support."""

import os

# The app's tests run headless, also when pytest is started without scripts/test.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
