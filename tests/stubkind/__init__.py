"""A case type that exists only for tests: 报修登记 (`stub`), in a package of its own with its
models and migration, loaded through SHOUHOU_PLUGINS. That it works end to end with no edit
to any file of shouhou is the proof that a case type is a plug-in (docs/adding-a-case-type.md)."""
