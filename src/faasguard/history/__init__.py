"""The inventory kept across scans: every scan recorded, per function, in a history database.

``interface`` holds the records, the store's abstract base and its errors; ``records`` builds a
:class:`~faasguard.history.interface.ScanRecord` from a scan result; ``schema`` the versioned
migrations; ``sql`` the store logic shared by the two back-ends ``sqlite`` (the default, in the
user data folder) and ``postgres`` (psycopg 3, for teams); ``open`` picks one from a URL;
``diff`` compares two scans.
"""
