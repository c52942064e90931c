"""Demo mode: placeholder model packages with random weights, for trying pressroom without a model."""
