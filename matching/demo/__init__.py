"""Demo data of matching, one module per area; the `seed_demo_matching` command loads them."""
