"""Running mstrack in-process as a terminal would, and what its errors must look like."""

from tracker.cli import main


def run_cli(capfd, *argv):
    """Run mstrack in-process; return (exit code, stdout, stderr) as the terminal sees them."""
    code = main([str(a) for a in argv])
    out, err = capfd.readouterr()
    return code, out, err


def assert_one_line_error(code, err, *words):
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert "Traceback" not in err
    for w in words:
        assert w.lower() in lines[0].lower(), (w, lines[0])
