"""Media layer: probe a file and stream its frames and audio with PyAV (no system ffmpeg)."""
