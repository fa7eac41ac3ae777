"""What every app shares and no domain owns: domain errors and how they are said,
the base of input forms, checks of user input, the typed account of a request, and
admin bases. Imports nothing of the project."""
