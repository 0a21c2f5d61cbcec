"""Each worker of a parallel test run gets a Redis database of its own (tests/xdist_env.py)."""

from tests.xdist_env import worker_redis_url


def test_each_worker_moves_up_from_the_given_database_keeping_the_rest_of_the_address():
    assert worker_redis_url("redis://127.0.0.1:6379/3", "gw0") == "redis://127.0.0.1:6379/3"
    assert worker_redis_url("redis://127.0.0.1:6379/3", "gw1") == "redis://127.0.0.1:6379/4"
    assert worker_redis_url("redis://:secret@cache.local:6380", "gw2") == "redis://:secret@cache.local:6380/2"
