"""Frame sources (files, image sequences, cameras) and frame normalisation; imports nothing above it."""
