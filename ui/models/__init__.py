"""Qt table models over the core: each with a column enum and a test through index()/data()."""
