"""One module per counting method, each exposing count_<method>(context)."""
