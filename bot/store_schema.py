"""The store's migrations moved to `bot.store.schema`; this name stays for code that imports it."""

from bot.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET, migrations

__all__ = ["KNOWN_MIGRATIONS", "MIGRATION_SET", "migrations"]
