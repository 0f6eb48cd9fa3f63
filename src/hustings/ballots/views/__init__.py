"""The ballot's views, one module per part: voting, reissue, staff."""
