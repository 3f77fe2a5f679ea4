"""PerfNet deep synthesizer (Audeo's "Midi2Audio"): roll with onset/offset encoding -> log-magnitude spectrogram
(PerformanceNet-style 1-D U-Net over time), a 2-D refinement U-Net (L1), and Griffin-Lim in TS (src/render/perfnet.ts)."""
