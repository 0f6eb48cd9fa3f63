"""The demonstration organisation that `hustings demo` builds."""
