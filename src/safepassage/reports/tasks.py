"""The reports' background work (rendering, e-mail to subscribers): tasks call services."""
