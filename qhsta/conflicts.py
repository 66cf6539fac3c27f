"""The refusal of a stale save (optimistic locking), raised by the apps' services, answered by the API house."""


class VersionConflict(Exception):
    """Someone else saved the row since this copy was loaded.

    `current` is the row as it is now stored, with `version`, `updated_by` and `updated_at`; the
    API answers 409 with them (qhsta.api.errors), the pages show both versions.
    """

    current = None
