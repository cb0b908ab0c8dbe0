"""coopqa."""
