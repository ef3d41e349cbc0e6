"""Messages of the shared core: accounts, request hygiene, admin. Simplified Chinese, 您 throughout."""

# -- Requests that cannot be read (bad bytes, NUL, undecodable bodies) -------------------------

# -- Accounts: passwords, login, lockout -------------------------------------------------------

# -- Admin: deadlines, history -----------------------------------------------------------------

# -- Dates and stages --------------------------------------------------------------------------
