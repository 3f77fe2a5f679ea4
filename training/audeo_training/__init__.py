"""audeo's training package: synthetic data, networks, training, evaluation and ONNX export."""
