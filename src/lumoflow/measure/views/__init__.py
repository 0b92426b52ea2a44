"""Pages of measurement: one module per page family (health, insights)."""
