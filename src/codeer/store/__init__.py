"""Opening project databases and the queries and coding actions every other layer uses."""
