"""Running the system: heartbeats of the worker and the periodic work, the health
endpoint a monitor reads, and backups of the database with every uploaded file."""
