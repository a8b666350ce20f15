"""The staff inbox: advisors take over conversations in the browser (/inbox).

    routes.py    setup_inbox(): the routes table, session middleware, start-up
    auth.py      sessions (server-side), login with a rate limit, roles, CSRF
    views.py     the JSON routes (queue, conversations, callbacks, canned answers, admin)
    live.py      the /inbox/ws WebSocket: live updates and advisor presence
    payloads.py  what the browser receives
    accounts.py  accounts, argon2 hashes and the CLI (python -m bot.inbox.accounts)
    audit.py     the audit log

Kept free of imports so that `python -m bot.inbox.accounts` runs cleanly.
"""
