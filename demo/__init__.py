"""The demo company that ``make run`` serves and the test suite starts from. It seeds
every app through the services, so it stands above them all."""
