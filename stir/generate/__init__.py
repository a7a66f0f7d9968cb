"""Synthetic beat/coffee/vidooly source data generated inside ClickHouse (see generator.py)."""
