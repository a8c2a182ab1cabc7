"""The MeteringService gRPC servicer: checks input, runs one atomic decision, shapes the reply."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import grpc
import redis.exceptions
from google.protobuf.timestamp_pb2 import Timestamp

from medcode.events.v1 import events_pb2
from medcode.metering.v1 import metering_service_pb2 as pb
from medcode.metering.v1 import metering_service_pb2_grpc as pb_grpc
from medcode_metering import validation
from medcode_metering.allowance import ViewMeter
from medcode_metering.calendar import next_month_start, seconds_to_month_end
from medcode_metering.metrics import MeteringMetrics
from medcode_metering.questions import QuestionMeter
from medcode_metering.quota import QuotaLimiter

log = logging.getLogger(__name__)

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["MeteringService"].full_name
_VIEW_REASONS = {
    "allowed": pb.VIEW_REASON_ALLOWED,
    "repeat_view": pb.VIEW_REASON_REPEAT_VIEW,
    "unlimited": pb.VIEW_REASON_UNLIMITED,
    "limit_reached": pb.VIEW_REASON_LIMIT_REACHED,
    "ip_cap": pb.VIEW_REASON_IP_CAP_REACHED,
}
_QUOTA_REASONS = {
    "allowed": pb.QUOTA_REASON_ALLOWED,
    "rate_limited": pb.QUOTA_REASON_RATE_LIMITED,
    "quota_exhausted": pb.QUOTA_REASON_QUOTA_EXHAUSTED,
}
_QUESTION_REASONS = {
    "allowed": pb.QUESTION_REASON_ALLOWED,
    "unlimited": pb.QUESTION_REASON_UNLIMITED,
    "limit_reached": pb.QUESTION_REASON_LIMIT_REACHED,
    "ip_cap": pb.QUESTION_REASON_IP_CAP_REACHED,
}
_STORE_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

T = TypeVar("T")
ViewSink = Callable[[events_pb2.ViewConsumed], None]


def _timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


class MeteringServicer(pb_grpc.MeteringServiceServicer):
    """Every RPC goes through `_guarded`, the one place errors become gRPC statuses."""

    def __init__(
        self,
        *,
        views: ViewMeter,
        quotas: QuotaLimiter,
        questions: QuestionMeter | None = None,
        on_view_charged: ViewSink | None = None,
        clock: Callable[[], float] = time.time,
        metrics: MeteringMetrics | None = None,
    ) -> None:
        self._views = views
        policy = views.policy
        self._policy = pb.ViewPolicy(
            guest_views=policy.guest_views,
            free_extra_views=policy.free_extra_views,
            guest_ip_daily_cap=policy.guest_ip_daily_cap,
        )
        self._metrics = metrics if metrics is not None else MeteringMetrics()
        self._quotas = quotas
        self._questions = questions
        self._on_view_charged = on_view_charged
        self._clock = clock

    async def _guarded(
        self, context: grpc.aio.ServicerContext, work: Callable[[], Awaitable[T]]
    ) -> T:
        """Bad input -> INVALID_ARGUMENT; store unreachable -> UNAVAILABLE (the gateway's 503)."""
        try:
            return await work()
        except validation.InvalidRequest as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
        except _STORE_DOWN as error:
            log.warning("metering store unavailable: %r", error)
            await context.abort(grpc.StatusCode.UNAVAILABLE, "the metering store is unavailable")
        except redis.exceptions.RedisError:
            log.exception("metering store error")
            await context.abort(grpc.StatusCode.INTERNAL, "the metering store failed")
        raise AssertionError("context.abort returned")  # abort always raises

    async def ConsumeView(
        self, request: pb.ConsumeViewRequest, context: grpc.aio.ServicerContext
    ) -> pb.ConsumeViewResponse:
        async def work() -> pb.ConsumeViewResponse:
            kind, subject_id, plan = validation.subject(
                request.subject_type, request.subject_id, request.plan, request.legacy_plan
            )
            page = validation.page(request.system, request.code)
            ip = validation.client_ip(request.client_ip)
            decision = await self._views.consume(
                subject_type=kind, subject_id=subject_id, plan=plan, code=page, ip=ip
            )
            self._metrics.view(decision)
            if decision.reason == "allowed" and self._on_view_charged is not None:
                self._on_view_charged(
                    events_pb2.ViewConsumed(
                        subject_type=kind,
                        subject_id=subject_id,
                        system=request.system,
                        code=request.code,
                        remaining=decision.remaining or 0,
                    )
                )
            limit = self._views.limit(plan)
            return pb.ConsumeViewResponse(
                allowed=decision.allowed,
                unlimited=limit is None,
                remaining=decision.remaining or 0,
                limit=limit or 0,
                reason=_VIEW_REASONS[decision.reason],
                policy=self._policy,
            )

        return await self._guarded(context, work)

    async def GetViewAllowance(
        self, request: pb.GetViewAllowanceRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetViewAllowanceResponse:
        async def work() -> pb.GetViewAllowanceResponse:
            kind, subject_id, plan = validation.subject(
                request.subject_type, request.subject_id, request.plan, request.legacy_plan
            )
            remaining = await self._views.remaining(
                subject_type=kind, subject_id=subject_id, plan=plan
            )
            limit = self._views.limit(plan)
            return pb.GetViewAllowanceResponse(
                unlimited=limit is None,
                remaining=remaining or 0,
                limit=limit or 0,
                resets_at=_timestamp(next_month_start(self._clock())),
                policy=self._policy,
            )

        return await self._guarded(context, work)

    async def TakeQuota(
        self, request: pb.TakeQuotaRequest, context: grpc.aio.ServicerContext
    ) -> pb.TakeQuotaResponse:
        async def work() -> pb.TakeQuotaResponse:
            key_id = validation.api_key_id(request.key_id)
            validation.quota(request.monthly_quota, request.rate_per_second, request.burst)
            decision = await self._quotas.take(
                key_id=key_id,
                monthly_quota=request.monthly_quota,
                rate_per_second=request.rate_per_second,
                burst=request.burst or None,
            )
            return pb.TakeQuotaResponse(
                allowed=decision.allowed,
                remaining=decision.remaining or 0,
                limit=request.monthly_quota,
                reason=_QUOTA_REASONS[decision.reason],
                retry_after_seconds=decision.retry_after_seconds or 0.0,
                reset_seconds=seconds_to_month_end(self._clock()),
            )

        return await self._guarded(context, work)

    async def LinkGuest(
        self, request: pb.LinkGuestRequest, context: grpc.aio.ServicerContext
    ) -> pb.LinkGuestResponse:
        async def work() -> pb.LinkGuestResponse:
            guest_id = validation.identifier(request.guest_id, field="guest_id")
            user_id = validation.identifier(request.user_id, field="user_id")
            await self._views.link_guest(guest_id=guest_id, user_id=user_id)
            return pb.LinkGuestResponse()

        return await self._guarded(context, work)

    async def ConsumeQuestion(
        self, request: pb.ConsumeQuestionRequest, context: grpc.aio.ServicerContext
    ) -> pb.ConsumeQuestionResponse:
        async def work() -> pb.ConsumeQuestionResponse:
            if self._questions is None:
                raise validation.InvalidRequest("this metering service does not meter questions")
            kind, subject_id, plan = validation.subject(
                request.subject_type, request.subject_id, request.plan
            )
            ip = validation.client_ip(request.client_ip)
            decision = await self._questions.consume(
                subject_type=kind, subject_id=subject_id, plan=plan, ip=ip
            )
            limit = self._questions.limit(plan)
            policy = self._questions.policy
            return pb.ConsumeQuestionResponse(
                allowed=decision.allowed,
                unlimited=limit is None,
                remaining=decision.remaining or 0,
                limit=limit or 0,
                policy=pb.QuestionPolicy(
                    guest_questions=policy.guest_questions,
                    free_questions=policy.free_questions,
                    guest_ip_daily_cap=policy.guest_ip_daily_cap,
                ),
                reason=_QUESTION_REASONS[decision.reason],
            )

        return await self._guarded(context, work)
