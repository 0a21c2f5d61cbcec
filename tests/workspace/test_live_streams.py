"""Numbered live streams: numbers in commit order with no gaps, replay after a number, pruning, and
a doorbell that fails without failing the change."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tests.concurrency import run_together
from workspace.live.streams import events_after, live_events_prune, publish, publish_many, seq_before
from workspace.models import LiveEvent, LiveStream


def seqs(stream: str) -> list[int]:
    return list(LiveEvent.objects.filter(stream=stream).order_by("seq").values_list("seq", flat=True))


@pytest.mark.django_db
def test_each_stream_counts_its_own_events_from_one():
    publish("ticket:1", "event", {"event": "status"})
    publish_many([("ticket:1", "message", {"message": 5}), ("queue:team:2", "row", {"ticket": 1})])
    publish("ticket:2", "event")

    assert seqs("ticket:1") == [1, 2]
    assert seqs("queue:team:2") == [1]
    assert seqs("ticket:2") == [1]
    assert LiveEvent.objects.get(stream="ticket:1", seq=2).payload == {"message": 5}


@pytest.mark.django_db
def test_a_page_gets_what_came_after_the_number_it_saw():
    for n in range(5):
        publish("ticket:7", "event", {"n": n})

    missed = events_after("ticket:7", 2, limit=10)

    assert [(e.seq, e.payload["n"]) for e in missed] == [(3, 2), (4, 3), (5, 4)]
    assert [e.seq for e in events_after("ticket:7", 0, limit=2)] == [1, 2]


@pytest.mark.django_db
def test_a_page_rendered_at_a_moment_has_seen_the_events_created_before_it(clock):
    publish("ticket:3", "event")
    publish("ticket:3", "event")
    rendered = timezone.now()
    clock.shift(timedelta(seconds=5))
    publish("ticket:3", "event")

    assert seq_before("ticket:3", rendered + timedelta(seconds=1)) == 2
    assert seq_before("ticket:9", rendered) == 0  # a stream never written to


@pytest.mark.django_db
def test_pruning_drops_old_events_and_numbering_goes_on(clock):
    publish("user:4", "notice")
    publish("user:4", "notice")
    clock.shift(timedelta(hours=30))
    publish("user:4", "notice")

    assert live_events_prune(older_than_hours=24) == 2

    assert seqs("user:4") == [3]
    publish("user:4", "notice")
    assert seqs("user:4") == [3, 4]
    assert LiveStream.objects.get(name="user:4").last_seq == 4
    # A page that saw 1 asks for what came after it: 2 is gone, so it cannot catch up (it reloads).
    assert events_after("user:4", 1, limit=10)[0].seq == 3
    assert seq_before("user:4", timezone.now() - timedelta(hours=40)) == 2


def test_a_stream_name_is_checked():
    with pytest.raises(ValueError):
        publish("ticket 1; drop table", "event")


@pytest.mark.django_db(transaction=True)
def test_writers_at_once_get_every_number_once_with_no_gap():
    def writer(tag: str) -> None:
        for n in range(15):
            with transaction.atomic():
                publish("ticket:11", "event", {"by": tag, "n": n})
                publish("queue:team:1", "row", {"by": tag})

    results = run_together([lambda: writer("a"), lambda: writer("b"), lambda: writer("c")])

    assert results == [None, None, None]
    assert seqs("ticket:11") == list(range(1, 46))
    assert seqs("queue:team:1") == list(range(1, 46))
    for tag in "abc":  # each writer's own events in the order it wrote them
        mine = [e.payload["n"] for e in LiveEvent.objects.filter(stream="ticket:11", payload__by=tag).order_by("seq")]
        assert mine == list(range(15))


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_number_is_not_given_past_a_transaction_still_open_on_the_stream():
    """What makes replay safe: the second writer waits for the first to commit, so no page can see
    number 2 while number 1 is still to come."""
    first_published = threading.Event()
    release_first = threading.Event()
    order: list[str] = []

    def first() -> None:
        with transaction.atomic():
            publish("ticket:21", "event", {"by": "first"})
            first_published.set()
            release_first.wait(timeout=20)
            order.append("first commits")

    def second() -> None:
        first_published.wait(timeout=20)
        with transaction.atomic():
            publish("ticket:21", "event", {"by": "second"})
        order.append("second committed")

    threads = [threading.Thread(target=lambda job=job: (job(), connection.close())) for job in (first, second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while not _waiting_on_a_lock():  # the second writer is queued behind the first's lock
        assert time.monotonic() < deadline, "the second writer never waited"
        time.sleep(0.05)
    assert order == []
    release_first.set()
    for thread in threads:
        thread.join(timeout=20)

    assert order == ["first commits", "second committed"]
    assert [(e.seq, e.payload["by"]) for e in events_after("ticket:21", 0, limit=5)] == [(1, "first"), (2, "second")]


@pytest.mark.django_db(transaction=True)
def test_redis_out_of_reach_loses_no_change(settings, caplog):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    with transaction.atomic():
        publish("ticket:31", "event", {"event": "status"})

    assert seqs("ticket:31") == [1]
    assert "live doorbell not sent for ticket:31" in caplog.text


@pytest.mark.django_db
def test_a_page_just_rendered_starts_at_most_a_replay_behind_the_newest(clock):
    from workspace.live.streams import start_for_page

    rendered = timezone.now() - timedelta(seconds=1)
    for _ in range(10):  # a busy queue while the page was on its way
        publish("queue:team:5", "row", {"ticket": 1})

    assert start_for_page("queue:team:5", rendered, cap=3) == 7  # not 0: it would only be told to reload
    assert start_for_page("queue:team:5", rendered, cap=50) == 0
    assert start_for_page("queue:team:5", timezone.now() + timedelta(seconds=1), cap=50) == 10
    assert start_for_page("queue:team:6", rendered, cap=3) == 0
