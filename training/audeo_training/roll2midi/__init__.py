"""Roll2Midi: refine soft Video2Roll probabilities (windows of 100 frames x 88 keys) into the sounding roll."""
