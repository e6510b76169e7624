"""Stage 1, measure: turn decoded frames and audio into time series of measurements."""
