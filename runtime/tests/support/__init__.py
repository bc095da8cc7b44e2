"""Real test peers for faasguard-runtime: a TLS server with a test CA, redis-server, moto server.

Nothing here is a mock: each helper starts the real thing on 127.0.0.1 and a free port, and
stops it when the test is done.
"""
