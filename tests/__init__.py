"""The test suite, one package per package of the code (io, meanshift, segmentation,
evaluation, app, cli, gui, scripts); helpers shared between them live in tests.support."""
