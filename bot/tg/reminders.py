"""Follow-up reminders on PTB's job queue, with SQLite as the source of truth.

* Jobs live in memory only, so at start-up every pending reminder is re-scheduled from the store
  (after dropping the claims of a sender that died). One due while the bot was down goes out at
  once, marked late.
* Only reminders due within `HORIZON` get a job, at most `MAX_JOBS` at a time (earliest first);
  a sweep every `SWEEP_EVERY` schedules the next ones. A year of follow-ups for a whole department
  is then a few rows read at start-up, not 100,000 jobs in the scheduler, and even a backlog of
  100,000 due at once starts in a second: 5,000 jobs outlast the minute to the next sweep at
  25 reminders a second.
* A job is named `reminder:<id>`; scheduling a reminder again replaces its job, so it never has two.
* Sending: claim in the store (a compare-and-set with a lease), send, then `mark_sent`; a
  reminder is marked sent only after Telegram accepted it, and a second sender finds the claim
  taken or the status `sent`. Failures are counted and retried with backoff, never dropped.
  A 403 (the clinician blocked the bot) pauses their reminders until they write again.
* When many fall due at once they are paced evenly at `reminder_rate`, under Telegram's 30/s.
* Access follows the allow-list: a clinician removed from `LIVERBOT_ALLOWED_USERS` gets no
  reminder (it names a patient). Theirs are held, still pending in the store and given no job;
  when the clinician is allowed again (the next start with them listed) they go out, marked late
  if their time passed meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackContext, Job, JobQueue

from bot.actions import Message
from bot.assistant import Assistant
from bot.language import language_for
from bot.store import TERMINAL_OWNER, Reminder, Store
from bot.tg.pacing import Pacer
from bot.tg.ratelimit import RETRY_FOR_S
from bot.tg.sending import send_all
from lang import use

log = logging.getLogger(__name__)

HORIZON = timedelta(hours=1)
SWEEP_EVERY = timedelta(minutes=1)
"""Well below HORIZON, so a reminder has its job long before it is due."""
MAX_JOBS = 5_000
"""Jobs held at once: more than a sweep interval's sending at any sane reminder rate."""
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(minutes=30)
LEASE = timedelta(seconds=RETRY_FOR_S + 60)
"""A claim outlives the rate limiter's retries, so no other sender takes a reminder mid-send."""
JOB_PREFIX = "reminder:"
SWEEP_JOB = "reminders:sweep"


def job_name(reminder_id: int) -> str:
    """The stable job name of a reminder, parseable back to its id."""
    return f"{JOB_PREFIX}{reminder_id}"


def retry_delay(attempts: int) -> timedelta:
    """Backoff after `attempts` failed deliveries: 30 s, doubling, at most 30 minutes."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MAX)


@dataclass(frozen=True)
class ReminderJob:
    """What a reminder's job carries: which reminder, and whether it is late (missed while down)."""

    reminder_id: int
    late: bool = False


class ReminderScheduler:
    """Keeps one job per reminder due soon, and sends them."""

    def __init__(
        self,
        store: Store,
        assistant: Assistant,
        reminder_rate: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        allowed: frozenset[int] | None = None,
    ) -> None:
        """`allowed`: the clinicians whose reminders are sent (None: everyone's, for tests of
        the scheduling alone)."""
        self.allowed = allowed
        self.store = store
        self.assistant = assistant
        self.clock = clock
        self.pacer = Pacer(reminder_rate)
        self.jobs: dict[int, Job[Any]] = {}
        self.held_owners: set[int] = set()
        """Clinicians whose reminders are held (logged once each)."""
        self.in_flight: set[int] = set()
        """Reminders being sent now: the sweep must not give them a second job meanwhile."""

    # -- scheduling -------------------------------------------------------------------------------

    def restore(self, job_queue: JobQueue[Any]) -> int:
        """At start-up: drop dead claims, schedule what is due soon, start the sweep."""
        released = self.store.release_claims()
        if released:
            log.info("%d reminder claim(s) of a previous run released", released)
        count = self.sweep_now(job_queue, late_if_due=True)
        job_queue.run_repeating(
            self._sweep, interval=SWEEP_EVERY, first=SWEEP_EVERY, name=SWEEP_JOB
        )
        log.info("%d reminder(s) scheduled at start-up", count)
        return count

    def sweep_now(self, job_queue: JobQueue[Any], late_if_due: bool = False) -> int:
        """Give a job to every pending reminder due within the horizon that has none."""
        return self._add_jobs(job_queue, self._due_soon(), late_if_due)

    def _due_soon(self) -> list[Reminder]:
        """The earliest pending reminders due within the horizon (a read: may run in a thread)."""
        return self.store.pending_reminders(self.clock() + HORIZON, limit=MAX_JOBS)

    def _add_jobs(
        self, job_queue: JobQueue[Any], reminders: list[Reminder], late_if_due: bool = False
    ) -> int:
        """Jobs for those without one (on the event loop: the scheduler is not thread-safe)."""
        now = self.clock()
        count = 0
        held: set[int] = set()
        for reminder in reminders:
            if len(self.jobs) >= MAX_JOBS:
                break  # the next sweep goes on from here
            if reminder.id in self.jobs or reminder.id in self.in_flight:
                continue
            if reminder.owner_id == TERMINAL_OWNER:
                continue  # saved from the terminal chat: listed by /reminders, no chat to send to
            if not self.may_remind(reminder.owner_id):
                held.add(reminder.owner_id)
                continue
            self._add_job(job_queue, reminder, late=late_if_due and reminder.fires_at <= now)
            count += 1
        if held - self.held_owners:
            log.info("reminders held for %d clinician(s) not in the allow-list", len(held))
        self.held_owners |= held
        return count

    def may_remind(self, owner_id: int) -> bool:
        """Whether the clinician is allowed (a removed clinician's reminders are held)."""
        return self.allowed is None or owner_id in self.allowed

    def schedule(self, job_queue: JobQueue[Any], reminder_ids: list[int]) -> None:
        """(Re)schedule reminders just added, snoozed or resumed: their job follows the store."""
        horizon = self.clock() + HORIZON
        for reminder_id in reminder_ids:
            self.unschedule(reminder_id)
            reminder = self.store.reminder(reminder_id)
            if (
                reminder is not None
                and reminder.status == "pending"
                and reminder.fires_at <= horizon
                and self.may_remind(reminder.owner_id)
            ):
                self._add_job(job_queue, reminder)

    def unschedule(self, reminder_id: int) -> None:
        """Drop the reminder's job, if it has one."""
        job = self.jobs.pop(reminder_id, None)
        if job is not None:
            job.schedule_removal()

    def _add_job(
        self,
        job_queue: JobQueue[Any],
        reminder: Reminder,
        late: bool = False,
        at: datetime | None = None,
    ) -> None:
        when = max(((at or reminder.fires_at) - self.clock()).total_seconds(), 0.0)
        self.jobs[reminder.id] = job_queue.run_once(
            self._fire,
            when,
            data=ReminderJob(reminder.id, late),
            name=job_name(reminder.id),
            chat_id=reminder.chat_id,
            user_id=reminder.owner_id,
            # Run however late: APScheduler would otherwise skip a job more than 1 s overdue.
            job_kwargs={"misfire_grace_time": None, "coalesce": True},
        )

    async def _sweep(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        assert context.job_queue is not None
        count = self._add_jobs(context.job_queue, await asyncio.to_thread(self._due_soon))
        if count:
            log.info("%d reminder(s) scheduled by the sweep", count)

    # -- sending ----------------------------------------------------------------------------------

    async def _fire(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """Send one reminder, once, or schedule its retry."""
        job = context.job
        assert job is not None
        assert isinstance(job.data, ReminderJob)
        data = job.data
        if self.jobs.get(data.reminder_id) is job:
            del self.jobs[data.reminder_id]
        self.in_flight.add(data.reminder_id)
        try:
            await self._send(context, data)
        finally:
            self.in_flight.discard(data.reminder_id)

    def _message(self, reminder: Reminder, late: bool) -> Message | None:
        """The reminder's message in its clinician's language (a worker thread: store reads).

        A job runs outside any update, so nothing has set the language: the clinician's
        /language choice decides, else the deployment's default (LIVERBOT_LANG).
        """
        store, settings = self.store, self.assistant.settings
        with use(language_for(store, settings, reminder.owner_id)):
            return self.assistant.reminder_message(reminder, late)

    async def _send(self, context: CallbackContext[Any, Any, Any, Any], data: ReminderJob) -> None:
        async with self.pacer:
            reminder = await asyncio.to_thread(
                self.store.claim_for_sending, data.reminder_id, now=self.clock(), lease=LEASE
            )
        if reminder is None:
            return  # sent, done, cancelled, paused, snoozed, or claimed by another sender
        message = await asyncio.to_thread(self._message, reminder, data.late)
        if message is None:
            await asyncio.to_thread(self.store.mark_done, reminder.owner_id, reminder.id)
            return
        try:
            await send_all(context.bot, reminder.chat_id, [message])
        except Forbidden:
            paused = await asyncio.to_thread(self.store.pause_for_clinician, reminder.owner_id)
            for reminder_id in paused:
                self.unschedule(reminder_id)
            log.info("owner %d blocked the bot: reminders paused", reminder.owner_id)
            return
        except TelegramError as exc:
            attempts = await asyncio.to_thread(self.store.record_attempt, reminder.id)
            delay = retry_delay(attempts)
            log.warning(
                "reminder %d not delivered (%s), attempt %d; retry in %ds",
                reminder.id, type(exc).__name__, attempts, delay.total_seconds(),
            )  # fmt: skip
            assert context.job_queue is not None
            self._add_job(context.job_queue, reminder, data.late, at=self.clock() + delay)
            return
        await asyncio.to_thread(
            self.store.mark_sent, reminder.id, sent_at=self.clock(), late=data.late
        )
        log.info("reminder %d sent%s", reminder.id, " (late)" if data.late else "")
