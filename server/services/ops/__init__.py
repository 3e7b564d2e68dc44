"""Running the server: backups and restore, job runs, the scheduler lease."""
