"""The voter guide: candidates side by side, comparisons, slates' recommendations, representation."""
