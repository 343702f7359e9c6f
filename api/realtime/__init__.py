"""Real-time GraphQL: subscriptions over WebSocket, fed by PostgreSQL LISTEN/NOTIFY.

- ws.py: the `graphql-transport-ws` endpoint at /graphql (authentication at
  connection_init, token expiry, limits, error masking).
- context.py: the per-connection context and the per-event RequestContext.
- live.py: `deliver(info, channel, load, audience)`, the body of a subscription resolver.
- tenants/notify.py: `publish(session, channel, payload)` inside the writing transaction,
  and the per-process `NotificationBus`.
"""
